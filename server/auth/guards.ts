import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AREA_HOME_PATHS, type Area, roleCanEnter, safeCallbackPath, signInPathFor } from "@/server/auth/areas";
import { REQUEST_PATH_HEADER } from "@/server/auth/request-path";
import { getSessionState } from "@/server/auth/session";
import type { SessionUser } from "@/server/auth/session-user";

function sessionEndedPath(callbackPath: string): string {
  return `/session-ended?${new URLSearchParams({ callbackUrl: callbackPath }).toString()}`;
}

/**
 * The signed-in user allowed into `area`, checked against the database; otherwise a redirect to sign in, to
 * the route that clears a revoked session's cookie, or to the forbidden page. Called by each area's layout and
 * again by its pages, because a client-side navigation between sibling pages does not re-render the layout.
 * The session lookup is cached per request, so the second call costs nothing.
 */
export async function requireArea(area: Area): Promise<SessionUser> {
  const state = await getSessionState();
  if (state.status === "active" && roleCanEnter(state.user.role, area)) return state.user;

  const requestPath = safeCallbackPath((await headers()).get(REQUEST_PATH_HEADER)) ?? AREA_HOME_PATHS[area];
  if (state.status === "anonymous") redirect(signInPathFor(requestPath));
  if (state.status === "revoked") redirect(sessionEndedPath(requestPath));
  redirect(`/forbidden?${new URLSearchParams({ area }).toString()}`);
}
