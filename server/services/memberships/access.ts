import "server-only";
/** When a membership grants access: one rule, in the three forms its readers need, kept equal by access.int.test.ts. */
import type { Queryable } from "@/server/db/transaction";
import type { MembershipStatus } from "@/server/domain/memberships";
import type { Prisma } from "@/server/generated/prisma/client";

/**
 * Whether a membership grants access right now, as SQL over `memberships m` at the database's clock: an active
 * or cancelled membership until its period ends, one in grace until the grace ends.
 */
export const MEMBERSHIP_GRANTS_ACCESS_SQL = `(
  (m.status IN ('ACTIVE', 'CANCELLED') AND m.current_period_end > now())
  OR (m.status = 'GRACE' AND m.grace_until > now())
)`;

/** The same rule as a Prisma filter on memberships, at `at`. */
export function membershipGrantsAccess(at: Date): Prisma.MembershipWhereInput {
  return {
    OR: [
      { status: { in: ["ACTIVE", "CANCELLED"] }, currentPeriodEnd: { gt: at } },
      { status: "GRACE", graceUntil: { gt: at } },
    ],
  };
}

/** The same rule for one membership already read, at `at`. */
export function grantsAccessAt(membership: { status: MembershipStatus; currentPeriodEnd: Date; graceUntil: Date | null }, at: Date): boolean {
  if (membership.status === "ACTIVE" || membership.status === "CANCELLED") return membership.currentPeriodEnd > at;
  return membership.status === "GRACE" && membership.graceUntil !== null && membership.graceUntil > at;
}

export async function hasPlanAccess(db: Queryable, memberId: string, planId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM memberships m WHERE m.member_id = $1 AND m.plan_id = $2 AND ${MEMBERSHIP_GRANTS_ACCESS_SQL}`,
    [memberId, planId],
  );
  return rows.length > 0;
}
