import "server-only";
/** The `memberships.renew` job's work: renew each due membership, put it in grace, or end it. */
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { inTransaction } from "@/server/db/transaction";
import { isDomainError } from "@/server/domain/errors";
import { CREDITS } from "@/server/domain/ledger";
import { type Period, afterFailedRenewal, renewalPrice, renewalStep } from "@/server/domain/memberships";
import { renewalWallet } from "@/server/domain/wallet-spending";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { enqueue, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { type SaleArgumentsInSql, ledgerSaleSql, saleParams } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { walletTypeById } from "../wallet/wallet-types";
import { chargePeriod, membershipChargeMessage, planTitle } from "./charges";
import { type MembershipNotice, membershipNoticeMessage } from "./notice-emails";
import { type DueMembershipRow, NEXT_DUE_MEMBERSHIP_SQL, isoSql, lockNextDueMembership, markInGrace, markLapsed, markRenewed } from "./queries";

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
 * tests pass their own clock), the one due longest first. A renewal that goes through is one statement
 * (RENEW_NEXT_SQL); the next due membership that it leaves (a lapse, grace, a refused charge, anything else) is
 * handled in its own transaction by renewNextInTransaction. Each membership's row is locked FOR UPDATE SKIP LOCKED,
 * so any number of workers can run at once and none charges a period twice (the posting's key and
 * membership_charges' unique period say so again).
 */
export function renewDueMemberships({ at }: { at: Date }): Promise<RenewalRun> {
  return runRenewals(at, true);
}

/** The run with every membership handled by renewNextInTransaction (exported for the parity test, which holds RENEW_NEXT_SQL to it). */
export function renewDueMembershipsInTransactions({ at }: { at: Date }): Promise<RenewalRun> {
  return runRenewals(at, false);
}

async function runRenewals(at: Date, oneStatement: boolean): Promise<RenewalRun> {
  const run: RenewalRun = { renewed: 0, enteredGrace: 0, stillInGrace: 0, lapsed: 0, failed: 0 };
  // One connection for the whole run: after a statement that failed, the transaction runs only once that
  // statement's backend has rolled back and let go of the membership it had locked (the driver reports the error
  // before that, so on another connection the transaction could skip the row as locked and end the run early).
  const db = await pool.connect();
  try {
    const { graceDays } = await getSetting(db, "memberships");
    // Memberships still due after this run looked at them (in grace, refused again, failed) wait for the next run.
    const seen: string[] = [];
    for (;;) {
      const next: NextRenewal = oneStatement ? await renewNextInOneStatement(db, at, seen) : { kind: "needs the transaction" };
      if (next.kind === "none due") return run;
      if (next.kind === "renewed") {
        seen.push(next.membershipId);
        run.renewed += 1;
        continue;
      }
      if (!(await renewNextInTransaction(db, at, seen, graceDays, run))) return run;
    }
  } finally {
    db.release();
  }
}

/**
 * The arguments of a renewal's sale that RENEW_NEXT_SQL computes from the membership it picked (chargePeriod's for a
 * renewal): the member, the plan's performer, renewalPrice, the period's key and request, the words, the metadata
 * (renewalOf names the period it follows) and the paying wallet's account.
 */
const RENEWAL_SALE: SaleArgumentsInSql = {
  buyer: "r.member_id",
  performer: "r.performer_id",
  amount: "r.charge_price",
  idempotencyKey: "r.key",
  requestHash: "r.request_hash",
  description: "'Membership renewal: ' || r.name || coalesce(' (' || nullif(r.stage_name, '') || ')', '')",
  metadata: `jsonb_build_object('membershipId', r.membership_id, 'planId', r.id, 'planName', r.name, 'periodStart', ${isoSql("r.start")},
       'periodEnd', ${isoSql('r."end"')}, 'walletTypeId', r.paying_wallet_id, 'renewalOf', ${isoSql("r.current_period_end")})`,
  sourceCodes: "ARRAY[r.account]",
  sourceAmounts: "ARRAY[-r.charge_price]",
};

/** RENEW_NEXT_SQL's parameters before the sale's own (saleParams): the run's clock and the memberships it has seen. */
const RENEW_NEXT_PARAMS = 2;

/**
 * The next due membership renewed in one statement, when it renews and its wallet pays: the row picked and locked
 * as lockNextDueMembership does it; renewalStep's "charge" (an active membership, or one in grace before its grace
 * ends, of a plan still active); the period (renewalPeriod), the price (renewalPrice) and the wallet
 * (renewalWallet: the one joined with while it may pay for memberships, else Credits); a key not used yet; the
 * sale (ledger_sale) under chargePeriod's key, request and words; the charge row; the membership running for the
 * new period; and one outbox message naming the sale, from which the relay renders the receipt and both wallets'
 * updates under the keys the transaction gave them (membershipChargeAnnouncements). A membership that does not
 * renew is returned without a sale and nothing is written; a refused sale raises and writes nothing.
 */
const RENEW_NEXT_SQL = `
WITH due AS MATERIALIZED (
  ${NEXT_DUE_MEMBERSHIP_SQL}
), renewing AS MATERIALIZED (
  SELECT d.*, period.start, period.start + d.period_days * interval '24 hours' AS "end",
         least(coalesce(d.last_price, d.price), d.price) AS charge_price,
         'user:' || d.member_id || ':' || w.account_kind || ':' || w.currency AS account, w.id AS paying_wallet_id
    FROM due d
   CROSS JOIN LATERAL (SELECT CASE WHEN d.current_period_end + d.period_days * interval '24 hours' > $1
                                   THEN d.current_period_end ELSE $1::timestamptz END AS start) period
   CROSS JOIN LATERAL (
     SELECT wt.id, wt.account_kind, wt.currency FROM wallet_types wt
      WHERE wt.id = CASE WHEN EXISTS (SELECT 1 FROM wallet_types j JOIN currencies c ON c.code = j.currency
                                       WHERE j.id = d.wallet_type_id AND j.active AND c.active AND j.currency = '${CREDITS}'
                                         AND 'MEMBERSHIPS' = ANY (j.pays_for))
                         THEN d.wallet_type_id ELSE '${CREDITS_WALLET}' END) w
   WHERE d.active AND (d.status = 'ACTIVE' OR (d.status = 'GRACE' AND d.grace_until > $1))
), r AS MATERIALIZED (
  SELECT renewing.*, k.key,
         -- requestHash of chargePeriod's request: canonicalJson writes its keys sorted and its values as strings.
         encode(sha256(convert_to('{"membershipId":"' || renewing.membership_id || '","periodStart":"' || ${isoSql("renewing.start")}
           || '","price":"' || renewing.charge_price || '"}', 'UTF8')), 'hex') AS request_hash
    FROM renewing
   CROSS JOIN LATERAL (SELECT 'membership:' || renewing.membership_id || ':period:' || ${isoSql("renewing.start")} AS key) k
   WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = k.key)
), sale AS MATERIALIZED (
  SELECT r.membership_id, r.start, r."end", r.charge_price, s.transaction_id, s.replayed
    FROM r CROSS JOIN LATERAL ${ledgerSaleSql(RENEWAL_SALE, RENEW_NEXT_PARAMS + 1)} s
), charged AS (
  INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id)
  SELECT s.membership_id, s.start, s."end", s.charge_price, s.transaction_id FROM sale s WHERE NOT s.replayed
), renewed AS (
  UPDATE memberships m
     SET status = 'ACTIVE', current_period_start = s.start, current_period_end = s."end", grace_until = NULL, updated_at = now()
    FROM sale s
   WHERE m.id = s.membership_id AND NOT s.replayed
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'membership:' || s.membership_id || ':period:' || ${isoSql("s.start")}, 'membership-charge', jsonb_build_object('transactionId', s.transaction_id::text)
    FROM sale s WHERE NOT s.replayed
)
SELECT d.membership_id AS id, s.transaction_id IS NOT NULL AND NOT s.replayed AS renewed,
       ${wakeRelayWhenIdleSql("s.transaction_id IS NOT NULL AND NOT s.replayed")} AS woke_relay
  FROM due d LEFT JOIN sale s ON s.membership_id = d.membership_id`;

type NextRenewal = { kind: "none due" } | { kind: "renewed"; membershipId: string } | { kind: "needs the transaction" };

async function renewNextInOneStatement(db: PoolClient, at: Date, seen: readonly string[]): Promise<NextRenewal> {
  try {
    const { rows } = await db.query<{ id: string; renewed: boolean }>({ name: "renew_next_membership", text: RENEW_NEXT_SQL, values: [at, seen, ...saleParams({ kind: "MEMBERSHIP_CHARGE", saleKind: "MEMBERSHIP" }, RENEWAL_SALE)] });
    const next = rows[0];
    if (!next) return { kind: "none due" };
    return next.renewed ? { kind: "renewed", membershipId: next.id } : { kind: "needs the transaction" };
  } catch {
    // A refused sale (not enough credits: grace), a unique key met, anything: the statement wrote nothing, and the
    // transaction picks the same membership (or the next, if another run took it meanwhile) and records why.
    return { kind: "needs the transaction" };
  }
}

/**
 * The next due membership renewed, put in grace or ended in one transaction, its notice or its paid period's
 * message written to the outbox with it. False when nothing is due any more.
 */
async function renewNextInTransaction(client: PoolClient, at: Date, seen: string[], graceDays: number, run: RenewalRun): Promise<boolean> {
  const picked = { id: null as string | null };
  let handled: Handled;
  try {
    const result = await inTransaction(client, async (db) => {
      const due = await lockNextDueMembership(db, at, seen);
      if (!due) return null;
      picked.id = due.membership_id;
      seen.push(due.membership_id);
      const outcome = await renewOne(db, due, graceDays, at);
      // The period that ended names the event: each is renewed, graced or lapsed once.
      const about = `membership:${due.membership_id}:${outcome.outcome}:${due.current_period_end.toISOString()}`;
      await enqueue(db, [
        ...(outcome.notice ? [membershipNoticeMessage(`${about}:notice`, outcome.notice)] : []),
        ...(outcome.paid ? [membershipChargeMessage(due.membership_id, outcome.paid.period, outcome.paid.transactionId)] : []),
      ]);
      return outcome;
    });
    if (!result) return false;
    handled = result;
  } catch (error) {
    // One membership that cannot be handled must not hold up every other one due after it.
    if (picked.id === null) throw error;
    console.error(`membership ${picked.id} was not renewed in this run`, error);
    run.failed += 1;
    return true;
  }
  run[handled.outcome] += 1;
  return true;
}

interface Handled {
  outcome: Outcome;
  notice: MembershipNotice | null;
  /** The period a renewal paid: its one outbox message announces it. */
  paid: { period: Period; transactionId: bigint } | null;
}

async function renewOne(db: PoolClient, due: DueMembershipRow, graceDays: number, at: Date): Promise<Handled> {
  const contact = { to: due.email, memberName: due.display_name, planTitle: planTitle(due) };
  const state = { status: due.status, currentPeriodEnd: due.current_period_end, graceUntil: due.grace_until };
  const step = renewalStep({ ...state, planActive: due.active }, due.period_days, at);

  if (step.kind === "wait") throw new Error(`membership ${due.membership_id} was picked as due but is not`);
  if (step.kind === "lapse") {
    await markLapsed(db, due.membership_id);
    return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: step.reason }, paid: null };
  }

  const price = renewalPrice(BigInt(due.last_price ?? due.price), BigInt(due.price));
  // The wallet the member joined with, or Credits once an admin deactivated that wallet type or took memberships
  // out of its rules: the member chose how to pay, not to stop paying, so the membership goes on from Credits.
  const startedWith = await walletTypeById(db, due.wallet_type_id);
  const credits = startedWith.id === CREDITS_WALLET ? startedWith : await walletTypeById(db, CREDITS_WALLET);
  const { wallet } = renewalWallet(startedWith, credits);
  await db.query("SAVEPOINT renewal_charge");
  let charge: { transactionId: bigint };
  try {
    charge = await chargePeriod(db, {
      membershipId: due.membership_id,
      memberId: due.member_id,
      plan: due,
      price,
      period: step.period,
      idempotencyKey: `membership:${due.membership_id}:period:${step.period.start.toISOString()}`,
      request: { membershipId: due.membership_id, periodStart: step.period.start.toISOString(), price: price.toString() },
      renewalOf: due.current_period_end,
      wallet,
    });
    await db.query("RELEASE SAVEPOINT renewal_charge");
  } catch (error) {
    if (!isPaymentRefusal(error)) throw error;
    await db.query("ROLLBACK TO SAVEPOINT renewal_charge");
    const failed = afterFailedRenewal(state, graceDays, at);
    if (failed.status === "LAPSED") {
      await markLapsed(db, due.membership_id);
      return { outcome: "lapsed", notice: { ...contact, kind: "lapsed", reason: failed.reason }, paid: null };
    }
    await markInGrace(db, due.membership_id, failed.graceUntil);
    return failed.enteredGrace
      ? { outcome: "enteredGrace", notice: { ...contact, kind: "renewal_failed", price, graceUntil: failed.graceUntil }, paid: null }
      : { outcome: "stillInGrace", notice: null, paid: null };
  }
  await markRenewed(db, due.membership_id, step.period);
  // The receipt and the wallet updates are rendered from the paid period's message when it is delivered.
  return { outcome: "renewed", notice: null, paid: { period: step.period, transactionId: charge.transactionId } };
}
