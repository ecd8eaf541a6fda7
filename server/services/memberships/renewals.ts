import "server-only";
/** The `memberships.renew` job's work: renew each due membership, put it in grace, or end it. */
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { isDomainError } from "@/server/domain/errors";
import { type MembershipStatus, afterFailedRenewal, renewalPrice, renewalStep } from "@/server/domain/memberships";
import { enqueue } from "@/server/outbox/messages";
import { getSetting } from "../settings/settings";
import { type PlanForSale, chargePeriod, planTitle, walletUpdates } from "./charges";
import { type MembershipNotice, membershipNoticeMessage } from "./notice-emails";

export interface RenewalRun {
  renewed: number;
  enteredGrace: number;
  /** Charges refused again for memberships already in grace. */
  stillInGrace: number;
  lapsed: number;
  /** Memberships whose handling failed for another reason; logged, and retried by the next run. */
  failed: number;
}

interface DueRow extends PlanForSale {
  membership_id: string;
  member_id: string;
  status: MembershipStatus;
  current_period_end: Date;
  grace_until: Date | null;
  last_price: string | null;
  email: string;
  display_name: string;
}

type Outcome = Exclude<keyof RenewalRun, "failed">;

/** Refusals that mean "the member can't pay right now", which grace is for; anything else is a real failure. */
const isPaymentRefusal = (error: unknown) => isDomainError(error) && (error.code === "INSUFFICIENT_FUNDS" || error.code === "ACCOUNT_RESTRICTED");

/**
 * Renews, puts in grace or ends every membership whose period ended by `at` (the job passes the database's now;
 * tests pass their own clock). Each membership is handled in its own transaction with its row locked FOR UPDATE
 * SKIP LOCKED, so any number of workers can run at once and none charges a period twice (the posting's key and
 * membership_charges' unique period say so again). Emails and wallet updates are written to the outbox with each.
 */
export async function renewDueMemberships({ at }: { at: Date }): Promise<RenewalRun> {
  const run: RenewalRun = { renewed: 0, enteredGrace: 0, stillInGrace: 0, lapsed: 0, failed: 0 };
  const { graceDays } = await getSetting(pool, "memberships");
  // Memberships still due after this run looked at them (in grace, refused again, failed) wait for the next run.
  const seen: string[] = [];
  for (;;) {
    const picked = { id: null as string | null };
    let handled: Awaited<ReturnType<typeof renewOne>> & { due: DueRow };
    try {
      const result = await withTransaction(pool, async (db) => {
        const { rows } = await db.query<DueRow>(
          `SELECT m.id AS membership_id, m.member_id, m.status, m.current_period_end, m.grace_until,
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
            FOR UPDATE OF m SKIP LOCKED`,
          [at, seen],
        );
        const due = rows[0];
        if (!due) return null;
        picked.id = due.membership_id;
        seen.push(due.membership_id);
        const outcome = await renewOne(db, due, graceDays, at);
        // The period that ended names the event: each is renewed, graced or lapsed once.
        const about = `membership:${due.membership_id}:${outcome.outcome}:${due.current_period_end.toISOString()}`;
        await enqueue(db, [
          ...(outcome.notice ? [membershipNoticeMessage(`${about}:notice`, outcome.notice)] : []),
          ...(outcome.outcome === "renewed" ? walletUpdates(about, [due.member_id, due.performer_id]) : []),
        ]);
        return { due, ...outcome };
      });
      if (!result) return run;
      handled = result;
    } catch (error) {
      // One membership that cannot be handled must not hold up every other one due after it.
      if (picked.id === null) throw error;
      console.error(`membership ${picked.id} was not renewed in this run`, error);
      run.failed += 1;
      continue;
    }
    run[handled.outcome] += 1;
  }
}

async function renewOne(db: PoolClient, due: DueRow, graceDays: number, at: Date): Promise<{ outcome: Outcome; notice: MembershipNotice | null }> {
  const contact = { to: due.email, memberName: due.display_name, planTitle: planTitle(due) };
  const state = { status: due.status, currentPeriodEnd: due.current_period_end, graceUntil: due.grace_until };
  const step = renewalStep({ ...state, planActive: due.active }, due.period_days, at);

  if (step.kind === "wait") throw new Error(`membership ${due.membership_id} was picked as due but is not`);
  if (step.kind === "lapse") {
    await db.query(`UPDATE memberships SET status = 'LAPSED', grace_until = NULL, updated_at = now() WHERE id = $1`, [due.membership_id]);
    return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: step.reason } };
  }

  const price = renewalPrice(BigInt(due.last_price ?? due.price), BigInt(due.price));
  await db.query("SAVEPOINT renewal_charge");
  try {
    await chargePeriod(db, {
      membershipId: due.membership_id,
      memberId: due.member_id,
      plan: due,
      price,
      period: step.period,
      idempotencyKey: `membership:${due.membership_id}:period:${step.period.start.toISOString()}`,
      request: { membershipId: due.membership_id, periodStart: step.period.start.toISOString(), price: price.toString() },
      renewal: true,
    });
    await db.query("RELEASE SAVEPOINT renewal_charge");
  } catch (error) {
    if (!isPaymentRefusal(error)) throw error;
    await db.query("ROLLBACK TO SAVEPOINT renewal_charge");
    const failed = afterFailedRenewal(state, graceDays, at);
    if (failed.status === "LAPSED") {
      await db.query(`UPDATE memberships SET status = 'LAPSED', grace_until = NULL, updated_at = now() WHERE id = $1`, [due.membership_id]);
      return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: failed.reason } };
    }
    await db.query(`UPDATE memberships SET status = 'GRACE', grace_until = $2, updated_at = now() WHERE id = $1`, [due.membership_id, failed.graceUntil]);
    return failed.enteredGrace
      ? { outcome: "enteredGrace", notice: { ...contact, kind: "renewal_failed", price, graceUntil: failed.graceUntil } }
      : { outcome: "stillInGrace", notice: null };
  }
  await db.query(
    `UPDATE memberships SET status = 'ACTIVE', current_period_start = $2, current_period_end = $3, grace_until = NULL, updated_at = now()
      WHERE id = $1`,
    [due.membership_id, step.period.start, step.period.end],
  );
  return {
    outcome: "renewed",
    notice: { ...contact, kind: "receipt", renewal: true, price, periodStart: step.period.start, periodEnd: step.period.end },
  };
}
