import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { type SessionState, resolveSession } from "@/server/auth/session-token";
import type { SessionUser } from "@/server/auth/session-user";

/** The request's session, checked against the database once per request however many components ask. */
export const getSessionState = cache(async (): Promise<SessionState> => resolveSession(await cookies()));

/** The signed-in user for server components and route handlers, or null (signed out, suspended, revoked). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const state = await getSessionState();
  return state.status === "active" ? state.user : null;
}
