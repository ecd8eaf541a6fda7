import "server-only";
import { TRPCError, initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { INTERNAL_ERROR_MESSAGE, INVALID_INPUT_MESSAGE, fieldErrorsFromDetails, trpcCodeForDomainError } from "@/server/api/errors";
import { type HeaderSource, clientIpFrom } from "@/server/auth/client-ip";
import { type CookieReader, type SessionClaim, readSessionClaim } from "@/server/auth/session-token";
import { type SessionUser, loadActiveSessionUser } from "@/server/auth/session-user";
import { DomainError, type DomainErrorCode, isDomainError } from "@/server/domain/errors";
import { type FieldErrors, fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { findUnstorableText } from "@/server/domain/stored-text";
import type { Role } from "@/server/generated/prisma/enums";

export interface TRPCContext {
  /**
   * Checked against the database: null when signed out or the session was revoked. A request's context leaves it
   * unset and carries the cookie's `claim` instead; the procedure checks the claim (see `withUser`, `claimedProcedure`).
   */
  user?: SessionUser | null;
  /** What the request's session cookie claims, not yet checked against the database; null without a valid cookie. */
  claim?: SessionClaim | null;
  /** The claim checked against the database, once per request however many calls a batch makes. */
  checkClaim?: () => Promise<SessionUser | null>;
  ip: string;
}

/** A request's context: the session cookie decoded, its check against the database left to the procedure. */
export async function createTRPCContext(request: { headers: HeaderSource; cookies: CookieReader }): Promise<TRPCContext> {
  const claim = await readSessionClaim(request.cookies);
  let checked: Promise<SessionUser | null> | undefined;
  const checkClaim = () => (checked ??= claim ? loadActiveSessionUser(claim.userId, claim.sessionVersion) : Promise.resolve(null));
  return { claim, checkClaim, ip: clientIpFrom(request.headers) };
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

/** The session's user, checked against the database (one query) unless the caller gave it. */
const withUser = t.middleware(async ({ ctx, next }) => {
  const user = ctx.user !== undefined ? ctx.user : ((await ctx.checkClaim?.()) ?? null);
  return next({ ctx: { user } });
});

/**
 * The session's claim, unchecked: for a procedure whose one statement checks it itself (the user exists, is
 * active, and the session version is current) and refuses with UNAUTHORIZED when it does not hold, sparing the
 * request the session query. A caller that gave a checked user claims that user's session.
 */
const claimed = t.middleware(({ ctx, next }) => {
  const from = ctx.user !== undefined ? (ctx.user && { userId: ctx.user.id, sessionVersion: ctx.user.sessionVersion }) : ctx.claim;
  if (!from) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { claim: { userId: from.userId, sessionVersion: from.sessionVersion } } });
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

const checkedInput = t.procedure.use(domainErrors).use(storableText);
export const publicProcedure = checkedInput.use(withUser);
/** Any session's claim, left to the procedure's own statement to check (`claimed`). */
export const claimedProcedure = checkedInput.use(claimed);
/** Any signed-in, active user whose session is current. */
export const memberProcedure = publicProcedure.use(signedIn);
export const performerProcedure = publicProcedure.use(hasRole("PERFORMER", "Only performers can do that."));
export const adminProcedure = publicProcedure.use(hasRole("ADMIN", "Only administrators can do that."));
