import "server-only";
import type { NextRequest } from "next/server";
import { ZodError } from "zod";
import { INTERNAL_ERROR_MESSAGE, httpStatusForDomainError } from "@/server/api/errors";
import { resolveSession } from "@/server/auth/session-token";
import type { SessionUser } from "@/server/auth/session-user";
import { type DomainError, isDomainError } from "@/server/domain/errors";
import type { Role } from "@/server/generated/prisma/enums";

/**
 * The one way to write a route handler under app/api. API routes pass the proxy unchecked, so the session is
 * resolved against the database here and the route's roles checked before its code runs; whatever the route
 * throws becomes a clear JSON error: a DomainError its status and message, a ZodError 400 with its messages,
 * anything else a logged 500 with a generic message (never the cause).
 */

/** Anyone may call; the route reads the viewer itself if it cares (`viewer()`), so public routes cost no query. */
interface OpenAccess {
  who: "anyone";
}

/** A signed-in, active user, of one of `roles` if given; the messages are the route's own, shown as they are. */
interface SignedInAccess {
  who: "signed-in";
  roles?: readonly Role[];
  signInMessage: string;
  roleMessage?: string;
}

type Params = Record<string, string | string[]>;

interface Context<P extends Params> {
  params: Promise<P>;
}

export interface OpenRequest<P extends Params> {
  params: P;
  /** The signed-in, active user, or null; resolved on first call. */
  viewer: () => Promise<SessionUser | null>;
  /** The context as Next.js passed it, for handlers from libraries that read it themselves. */
  context: Context<P>;
}

export interface SignedInRequest<P extends Params> {
  params: P;
  user: SessionUser;
}

interface ErrorMapping {
  /** A status for a particular refusal (an upload too large: 413), else the status of its DomainError code. */
  statusOf?: (error: DomainError) => number | undefined;
}

export type RouteHandler<P extends Params> = (request: NextRequest, context?: Context<P>) => Promise<Response>;

/** A JSON error the client shows as it is; never cached, since it depends on who asked. */
export function refuse(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

export function routeHandler<P extends Params = Params>(
  access: OpenAccess & ErrorMapping,
  handle: (request: NextRequest, route: OpenRequest<P>) => Promise<Response>,
): RouteHandler<P>;
export function routeHandler<P extends Params = Params>(
  access: SignedInAccess & ErrorMapping,
  handle: (request: NextRequest, route: SignedInRequest<P>) => Promise<Response>,
): RouteHandler<P>;
export function routeHandler<P extends Params>(
  access: (OpenAccess | SignedInAccess) & ErrorMapping,
  handle: (request: NextRequest, route: OpenRequest<P> & SignedInRequest<P>) => Promise<Response>,
): RouteHandler<P> {
  return async (request, context) => {
    try {
      const params = context ? await context.params : ({} as P);
      if (access.who === "anyone") {
        let viewer: Promise<SessionUser | null> | undefined;
        const resolveViewer = () => (viewer ??= resolveSession(request.cookies).then((session) => (session.status === "active" ? session.user : null)));
        const route = { params, viewer: resolveViewer, context: context ?? { params: Promise.resolve(params) } };
        return await (handle as (request: NextRequest, route: OpenRequest<P>) => Promise<Response>)(request, route);
      }
      const session = await resolveSession(request.cookies);
      if (session.status !== "active") return refuse(401, access.signInMessage);
      if (access.roles && !access.roles.includes(session.user.role)) return refuse(403, access.roleMessage ?? "You may not do that.");
      return await (handle as (request: NextRequest, route: SignedInRequest<P>) => Promise<Response>)(request, { params, user: session.user });
    } catch (error) {
      return errorResponse(error, access, request);
    }
  };
}

function errorResponse(error: unknown, mapping: ErrorMapping, request: NextRequest): Response {
  if (isDomainError(error)) return refuse(mapping.statusOf?.(error) ?? httpStatusForDomainError(error.code), error.message);
  if (error instanceof ZodError) return refuse(400, [...new Set(error.issues.map((issue) => issue.message))].join(" "));
  console.error(`${request.method} ${new URL(request.url).pathname} failed`, error);
  return refuse(500, INTERNAL_ERROR_MESSAGE);
}

/** A query string as a plain object for a zod schema; an empty value is no value, as an HTML form sends it. */
export function queryObject(request: NextRequest, omit: readonly string[] = []): Record<string, string> {
  return Object.fromEntries([...request.nextUrl.searchParams].filter(([key, value]) => value !== "" && !omit.includes(key)));
}
