import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool, prisma } from "@/server/db/client";
import type { MembershipStatus } from "@/server/domain/memberships";
import { insertPlan } from "@/server/testing/content";
import { makeMember } from "@/server/testing/users";
import { grantsAccessAt, hasPlanAccess, membershipGrantsAccess } from "./access";

// The access rule has three forms (SQL at the database's clock, a Prisma filter and a check of a row read, both at
// a given time); each case here is a membership far enough from now that the clocks cannot disagree about it.

const DAY = "1 day";

const CASES: { status: MembershipStatus; periodEnds: string; graceUntil: string | null; grants: boolean }[] = [
  { status: "ACTIVE", periodEnds: `+${DAY}`, graceUntil: null, grants: true },
  { status: "ACTIVE", periodEnds: `-${DAY}`, graceUntil: null, grants: false },
  { status: "CANCELLED", periodEnds: `+${DAY}`, graceUntil: null, grants: true },
  { status: "CANCELLED", periodEnds: `-${DAY}`, graceUntil: null, grants: false },
  { status: "GRACE", periodEnds: `-${DAY}`, graceUntil: `+${DAY}`, grants: true },
  { status: "GRACE", periodEnds: `-${DAY}`, graceUntil: `-${DAY}`, grants: false },
  { status: "GRACE", periodEnds: `+${DAY}`, graceUntil: null, grants: false },
  { status: "LAPSED", periodEnds: `+${DAY}`, graceUntil: null, grants: false },
];

let member: SessionUser;

beforeAll(async () => {
  member = await makeMember("access-rule");
});

afterAll(async () => {
  await closeDb();
});

describe("the membership access rule", () => {
  it.each(CASES)("$status, period ending $periodEnds, grace until $graceUntil: grants access is $grants in every form", async (rule) => {
    const planId = await insertPlan(pool, null, `Access ${rule.status} ${rule.periodEnds} ${rule.graceUntil}`);
    const { rows } = await pool.query<{ id: string; now: Date }>(
      `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, grace_until, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3::"MembershipStatus", now() - interval '30 days', now() + $4::interval, 30,
               now() + $5::interval, now())
       RETURNING id, now() AS now`,
      [planId, member.id, rule.status, rule.periodEnds, rule.graceUntil],
    );
    const { id, now } = rows[0] as { id: string; now: Date };
    const membership = await prisma.membership.findUniqueOrThrow({ where: { id }, select: { status: true, currentPeriodEnd: true, graceUntil: true } });

    expect(await hasPlanAccess(pool, member.id, planId)).toBe(rule.grants);
    expect(await prisma.membership.count({ where: { id, ...membershipGrantsAccess(now) } })).toBe(rule.grants ? 1 : 0);
    expect(grantsAccessAt(membership, now)).toBe(rule.grants);
  });
});
