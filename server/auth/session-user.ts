import { pool } from "@/server/db/client";
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

/** A user id as the sign-in writes it into the token; anything else names no user. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user behind a session token, or null when the session no longer counts: the user is gone, suspended, or
 * their sessionVersion moved on (suspension and password changes bump it, which ends every older session).
 *
 * Every signed-in request runs this, so it is one prepared statement on the pool rather than a Prisma query:
 * Prisma's compile-and-interpret step cost more app-server CPU than the rest of a tip's statement
 * (`npm run bench:http`, "session user lookup").
 */
export async function loadActiveSessionUser(userId: string, tokenSessionVersion: number): Promise<SessionUser | null> {
  if (!UUID.test(userId)) return null;
  const { rows } = await pool.query<{ id: string; email: string; username: string; display_name: string; role: Role; status: string; session_version: number }>({
    name: "session_user",
    text: "SELECT id, email, username, display_name, role, status, session_version FROM users WHERE id = $1::uuid",
    values: [userId],
  });
  const user = rows[0];
  if (!user || user.status !== "ACTIVE" || user.session_version !== tokenSessionVersion) return null;
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    sessionVersion: user.session_version,
  };
}
