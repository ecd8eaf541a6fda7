import { prisma } from "@/server/db/client";
import type { Role } from "@/server/generated/prisma/enums";

/** The signed-in user as the server trusts it: read from the database on every request, never from the JWT. */
export interface SessionUser {
  id: string;
  email: string;
  username: string;
  displayName: string;
  role: Role;
  sessionVersion: number;
}

export const sessionUserSelect = {
  id: true,
  email: true,
  username: true,
  displayName: true,
  role: true,
  sessionVersion: true,
} as const;

/**
 * The user behind a session token, or null when the session no longer counts: the user is gone, suspended, or
 * their sessionVersion moved on (suspension and password changes bump it, which ends every older session).
 */
export async function loadActiveSessionUser(userId: string, tokenSessionVersion: number): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { ...sessionUserSelect, status: true },
  });
  if (!user || user.status !== "ACTIVE" || user.sessionVersion !== tokenSessionVersion) return null;
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    sessionVersion: user.sessionVersion,
  };
}
