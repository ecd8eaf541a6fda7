import "server-only";
import { TRPCError, initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { INTERNAL_ERROR_MESSAGE, INVALID_INPUT_MESSAGE, fieldErrorsFromDetails, trpcCodeForDomainError } from "@/server/api/errors";
import { clientIpFrom } from "@/server/auth/client-ip";
import { type CookieReader, resolveSession } from "@/server/auth/session-token";
import type { SessionUser } from "@/server/auth/session-user";
import { DomainError, type DomainErrorCode, isDomainError } from "@/server/domain/errors";
import { type FieldErrors, fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { findUnstorableText } from "@/server/domain/stored-text";
import type { Role } from "@/server/generated/prisma/enums";

export interface TRPCContext {
  /** Checked against the database for this request; null when signed out or the session was revoked. */
  user: SessionUser | null;
  ip: string;
}

export async function createTRPCContext(request: { headers: Headers; cookies: CookieReader }): Promise<TRPCContext> {
  const session = await resolveSession(request.cookies);
  return { user: session.status === "active" ? session.user : null, ip: clientIpFrom(request.headers) };
}

interface ErrorData {
  code: string;
  httpStatus: number;
  path: string | undefined;
  domainCode: DomainErrorCode | null;
  fieldErrors: FieldErrors | null;
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  /**
   * The one place errors become what clients see: a domain refusal keeps its message and code, invalid input
   * lists its field errors, anything unexpected is logged here and reaches the client as a generic sentence.
   * Stack traces are never sent, in development either.
   */
  errorFormatter({ shape, error, path }) {
    const base: ErrorData = {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      domainCode: null,
      fieldErrors: null,
    };
    if (isDomainError(error.cause)) {
      return {
        ...shape,
        message: error.cause.message,
        data: { ...base, domainCode: error.cause.code, fieldErrors: fieldErrorsFromDetails(error.cause.details) },
      };
    }
    if (error.cause instanceof ZodError) {
      return {
        ...shape,
        message: INVALID_INPUT_MESSAGE,
        data: { ...base, fieldErrors: fieldErrorsFromIssues(error.cause.issues) },
      };
    }
    if (error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`[trpc] ${path ?? "(unknown path)"} failed`, error.cause ?? error);
      return { ...shape, message: INTERNAL_ERROR_MESSAGE, data: base };
    }
    return { ...shape, data: base };
  },
});

export const createTRPCRouter = t.router;

/** A service's DomainError becomes a TRPCError with the matching code, so the HTTP status is right too. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeForDomainError(cause.code), message: cause.message, cause });
  }
  return result;
});

/**
 * Text the database can't store (a NUL, half a surrogate pair) is refused before any procedure sees it, with the
 * field it was in, whatever that procedure's schema says: otherwise it fails inside a query as a 500.
 */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  const found = findUnstorableText(await getRawInput());
  if (found) throw new DomainError("BAD_REQUEST", found.message, { fieldErrors: fieldErrorsFromIssues([found]) });
  return next();
});

const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { user: ctx.user } });
});

function hasRole(role: Role, message: string) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    if (ctx.user.role !== role) throw new TRPCError({ code: "FORBIDDEN", message });
    return next({ ctx: { user: ctx.user } });
  });
}

export const publicProcedure = t.procedure.use(domainErrors).use(storableText);
/** Any signed-in, active user whose session is current. */
export const memberProcedure = publicProcedure.use(signedIn);
export const performerProcedure = publicProcedure.use(hasRole("PERFORMER", "Only performers can do that."));
export const adminProcedure = publicProcedure.use(hasRole("ADMIN", "Only administrators can do that."));
