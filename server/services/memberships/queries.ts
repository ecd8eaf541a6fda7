import "server-only";
/**
 * Memberships' SQL, each statement typed and covered by memberships.int.test.ts: the reads and writes inside the
 * transactions that charge a period (they must join its ledger posting), the locks that serialize a member's
 * decisions, and the renewal job's pick of the next due membership.
 */
import type { Queryable } from "@/server/db/transaction";
import type { MembershipStatus, Period } from "@/server/domain/memberships";

export interface PlanForSale {
  id: string;
  performer_id: string | null;
  name: string;
  price: string;
  period_days: number;
  active: boolean;
  stage_name: string | null;
}

/** A plan with its performer's stage name, as a charge for it needs it. */
export async function planForSale(db: Queryable, planId: string): Promise<PlanForSale | undefined> {
  const { rows } = await db.query<PlanForSale>(
    `SELECT p.id, p.performer_id, p.name, p.price, p.period_days, p.active, pp.stage_name
       FROM membership_plans p LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
      WHERE p.id = $1`,
    [planId],
  );
  return rows[0];
}

export interface MembershipChargeRow {
  membershipId: string;
  period: Period;
  price: bigint;
  transactionId: bigint;
}

export async function insertMembershipCharge(db: Queryable, charge: MembershipChargeRow): Promise<void> {
  await db.query(
    `INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id) VALUES ($1, $2, $3, $4, $5)`,
    [charge.membershipId, charge.period.start, charge.period.end, charge.price.toString(), charge.transactionId.toString()],
  );
}

export interface MemberContact {
  email: string;
  display_name: string;
}

export async function memberContactRow(db: Queryable, memberId: string): Promise<MemberContact | undefined> {
  const { rows } = await db.query<MemberContact>("SELECT email, display_name FROM users WHERE id = $1", [memberId]);
  return rows[0];
}

export interface DueMembershipRow extends PlanForSale {
  membership_id: string;
  member_id: string;
  status: MembershipStatus;
  current_period_end: Date;
  grace_until: Date | null;
  last_price: string | null;
  /** The wallet the member joined with. */
  wallet_type_id: string;
  email: string;
  display_name: string;
}

/**
 * The membership due longest by $1 that no other worker holds and this run has not seen ($2), locked, with its
 * plan, its member's contact and the price of its last period: the renewal run's pick, in its transaction
 * (lockNextDueMembership) and in its one statement (RENEW_NEXT_SQL), so both take the same row in the same order.
 */
export const NEXT_DUE_MEMBERSHIP_SQL = `SELECT m.id AS membership_id, m.member_id, m.status, m.current_period_end, m.grace_until, m.wallet_type_id,
            -- The member's own period: a plan's change of period applies to new members only.
            p.id, p.performer_id, p.name, p.price, m.period_days, p.active, pp.stage_name, u.email, u.display_name,
            (SELECT c.price FROM membership_charges c WHERE c.membership_id = m.id ORDER BY c.period_start DESC LIMIT 1) AS last_price
       FROM memberships m
       JOIN membership_plans p ON p.id = m.plan_id
       JOIN users u ON u.id = m.member_id
       LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
      WHERE m.status IN ('ACTIVE', 'GRACE', 'CANCELLED') AND m.current_period_end <= $1 AND m.id <> ALL($2::uuid[])
      ORDER BY m.current_period_end, m.id
      LIMIT 1
      FOR UPDATE OF m SKIP LOCKED`;

/** Locks the next due membership (NEXT_DUE_MEMBERSHIP_SQL) by `at` that this run has not `seen`. */
export async function lockNextDueMembership(db: Queryable, at: Date, seen: readonly string[]): Promise<DueMembershipRow | undefined> {
  const { rows } = await db.query<DueMembershipRow>(NEXT_DUE_MEMBERSHIP_SQL, [at, seen]);
  return rows[0];
}

export async function markLapsed(db: Queryable, membershipId: string): Promise<void> {
  await db.query(`UPDATE memberships SET status = 'LAPSED', grace_until = NULL, updated_at = now() WHERE id = $1`, [membershipId]);
}

export async function markInGrace(db: Queryable, membershipId: string, graceUntil: Date): Promise<void> {
  await db.query(`UPDATE memberships SET status = 'GRACE', grace_until = $2, updated_at = now() WHERE id = $1`, [membershipId, graceUntil]);
}

/** The membership runs again for the period just paid. */
export async function markRenewed(db: Queryable, membershipId: string, period: Period): Promise<void> {
  await db.query(
    `UPDATE memberships SET status = 'ACTIVE', current_period_start = $2, current_period_end = $3, grace_until = NULL, updated_at = now()
      WHERE id = $1`,
    [membershipId, period.start, period.end],
  );
}

/** One decision at a time per member and plan, until the transaction ends. */
export async function lockMemberPlan(db: Queryable, memberId: string, planId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('membership:' || $1 || ':' || $2, 0))", [memberId, planId]);
}

export interface MembershipAtNow {
  /** Null when the member never joined the plan. */
  id: string | null;
  status: MembershipStatus;
  current_period_end: Date;
  /** The database's clock. */
  now: Date;
}

/** The member's membership of the plan, if any, and the database's now, in one row. */
export async function membershipAtNow(db: Queryable, planId: string, memberId: string): Promise<MembershipAtNow> {
  const { rows } = await db.query<MembershipAtNow>(
    `SELECT m.id, m.status, m.current_period_end, now() AS now
       FROM (SELECT 1) AS one LEFT JOIN memberships m ON m.plan_id = $1 AND m.member_id = $2`,
    [planId, memberId],
  );
  const found = rows[0];
  if (!found) throw new Error("now() returned no row");
  return found;
}

export interface ActiveMembershipRow {
  id: string;
  planId: string;
  memberId: string;
  period: Period;
  periodDays: number;
  walletTypeId: string;
}

/**
 * Who may join a plan they already have a row of (assertCanSubscribe): only a member whose membership is over,
 * lapsed or cancelled and past its period end. Written as the guard of the upsert that starts it again, so a join
 * that raced another one, in either path, writes nothing rather than starting a running membership over.
 */
export const JOINABLE_AGAIN = `memberships.status = 'LAPSED'
      OR (memberships.status = 'CANCELLED' AND memberships.current_period_end <= excluded.current_period_start)`;

/** The columns a join sets on an earlier membership of the plan it starts again. */
/** A timestamptz as Date.toISOString() writes it (the columns keep the millisecond a period started at). */
export const isoSql = (at: string) => `to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const JOIN_AGAIN_SET = `status = 'ACTIVE', current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
           period_days = excluded.period_days, wallet_type_id = excluded.wallet_type_id, grace_until = NULL, cancelled_at = NULL, updated_at = now()`;

/**
 * A new membership, or the member's earlier one of the plan started again; false when a membership that may not
 * be started again (JOINABLE_AGAIN) is there, which only a join committed since the caller read it can have put.
 */
export async function upsertActiveMembership(db: Queryable, membership: ActiveMembershipRow): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, wallet_type_id, updated_at)
     VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6, $7, now())
     ON CONFLICT (plan_id, member_id) DO UPDATE
       SET ${JOIN_AGAIN_SET}
     WHERE ${JOINABLE_AGAIN}`,
    [membership.id, membership.planId, membership.memberId, membership.period.start, membership.period.end, membership.periodDays, membership.walletTypeId],
  );
  return rowCount === 1;
}

export interface OwnMembershipRow {
  status: MembershipStatus;
  current_period_end: Date;
  now: Date;
}

/** Locks one of the member's own memberships FOR UPDATE; undefined for another member's or none. */
export async function lockOwnMembershipRow(db: Queryable, memberId: string, membershipId: string): Promise<OwnMembershipRow | undefined> {
  const { rows } = await db.query<OwnMembershipRow>(
    "SELECT status, current_period_end, now() AS now FROM memberships WHERE id = $1 AND member_id = $2 FOR UPDATE",
    [membershipId, memberId],
  );
  return rows[0];
}

/** Stops renewals with `status` (CANCELLED, or LAPSED for one in grace) and stamps the cancellation. */
export async function markCancelled(
  db: Queryable,
  membershipId: string,
  status: MembershipStatus,
): Promise<{ plan_id: string; cancelled_at: Date } | undefined> {
  const { rows } = await db.query<{ plan_id: string; cancelled_at: Date }>(
    `UPDATE memberships SET status = $2::"MembershipStatus", cancelled_at = now(), grace_until = NULL, updated_at = now() WHERE id = $1
     RETURNING plan_id, cancelled_at`,
    [membershipId, status],
  );
  return rows[0];
}

export async function markResumed(db: Queryable, membershipId: string): Promise<void> {
  await db.query(`UPDATE memberships SET status = 'ACTIVE', cancelled_at = NULL, updated_at = now() WHERE id = $1`, [membershipId]);
}
