import "server-only";
/** The `memberships.renew` job's work: renew each due membership, put it in grace, or end it. */
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { isDomainError } from "@/server/domain/errors";
import { afterFailedRenewal, renewalPrice, renewalStep } from "@/server/domain/memberships";
import { renewalWallet } from "@/server/domain/wallet-spending";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { enqueue } from "@/server/outbox/messages";
import { getSetting } from "../settings/settings";
import { walletTypeById } from "../wallet/wallet-types";
import { chargePeriod, planTitle, walletUpdates } from "./charges";
import { type MembershipNotice, membershipNoticeMessage } from "./notice-emails";
import { type DueMembershipRow, lockNextDueMembership, markInGrace, markLapsed, markRenewed } from "./queries";

export interface RenewalRun {
  renewed: number;
  enteredGrace: number;
  /** Charges refused again for memberships already in grace. */
  stillInGrace: number;
  lapsed: number;
  /** Memberships whose handling failed for another reason; logged, and retried by the next run. */
  failed: number;
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
    let handled: Awaited<ReturnType<typeof renewOne>> & { due: DueMembershipRow };
    try {
      const result = await withTransaction(pool, async (db) => {
        const due = await lockNextDueMembership(db, at, seen);
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

async function renewOne(db: PoolClient, due: DueMembershipRow, graceDays: number, at: Date): Promise<{ outcome: Outcome; notice: MembershipNotice | null }> {
  const contact = { to: due.email, memberName: due.display_name, planTitle: planTitle(due) };
  const state = { status: due.status, currentPeriodEnd: due.current_period_end, graceUntil: due.grace_until };
  const step = renewalStep({ ...state, planActive: due.active }, due.period_days, at);

  if (step.kind === "wait") throw new Error(`membership ${due.membership_id} was picked as due but is not`);
  if (step.kind === "lapse") {
    await markLapsed(db, due.membership_id);
    return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: step.reason } };
  }

  const price = renewalPrice(BigInt(due.last_price ?? due.price), BigInt(due.price));
  // The wallet the member joined with, or Credits once an admin deactivated that wallet type or took memberships
  // out of its rules: the member chose how to pay, not to stop paying, so the membership goes on from Credits.
  const startedWith = await walletTypeById(db, due.wallet_type_id);
  const credits = startedWith.id === CREDITS_WALLET ? startedWith : await walletTypeById(db, CREDITS_WALLET);
  const { wallet } = renewalWallet(startedWith, credits);
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
      wallet,
    });
    await db.query("RELEASE SAVEPOINT renewal_charge");
  } catch (error) {
    if (!isPaymentRefusal(error)) throw error;
    await db.query("ROLLBACK TO SAVEPOINT renewal_charge");
    const failed = afterFailedRenewal(state, graceDays, at);
    if (failed.status === "LAPSED") {
      await markLapsed(db, due.membership_id);
      return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: failed.reason } };
    }
    await markInGrace(db, due.membership_id, failed.graceUntil);
    return failed.enteredGrace
      ? { outcome: "enteredGrace", notice: { ...contact, kind: "renewal_failed", price, graceUntil: failed.graceUntil } }
      : { outcome: "stillInGrace", notice: null };
  }
  await markRenewed(db, due.membership_id, step.period);
  return {
    outcome: "renewed",
    notice: { ...contact, kind: "receipt", renewal: true, price, periodStart: step.period.start, periodEnd: step.period.end },
  };
}
