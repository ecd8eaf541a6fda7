import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { PayoutDetailsSnapshot } from "@/server/domain/payouts";
import type { PayoutMethod, WithdrawalStatus } from "@/server/generated/prisma/enums";

/**
 * The hand-written SQL of payouts, each statement a named function with a typed row. They stay SQL because one
 * statement matters: they run inside the transactions that hold or settle a withdrawal's credits with ledger
 * postings (which Prisma can't join), lock a withdrawal or a payout profile, guard a state change in their WHERE,
 * read the database clock, or filter the admin's queue and export in one statement. Covered through the use cases
 * by withdrawals.int.test.ts, stripe-payouts.int.test.ts, exports.int.test.ts and the payouts router tests.
 */

export interface WithdrawalRow {
  id: string;
  performer_id: string;
  credits: string;
  currency: string;
  gross_minor: string;
  fee_minor: string;
  net_minor: string;
  method: PayoutMethod;
  payout_details: PayoutDetailsSnapshot;
  status: WithdrawalStatus;
  idempotency_key: string;
  hold_transaction_id: string;
  settle_transaction_id: string | null;
  release_transaction_id: string | null;
  reference: string | null;
  reason: string | null;
  stripe_transfer_id: string | null;
  stripe_payout_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const WITHDRAWAL_COLUMNS = `w.id, w.performer_id, w.credits, w.currency, w.gross_minor, w.fee_minor, w.net_minor, w.method,
  w.payout_details, w.status, w.idempotency_key, w.hold_transaction_id, w.settle_transaction_id, w.release_transaction_id,
  w.reference, w.reason, w.stripe_transfer_id, w.stripe_payout_id, w.created_at, w.updated_at`;

/** The database's clock, which the payout-method lock is measured against. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>("SELECT now() AS now");
  return rows[0]?.now ?? new Date();
}

// ---------------------------------------------------------------------------------------------------------------
// Withdrawals

/** The withdrawal, locked for the rest of the transaction; `performerId` scopes it to its owner. */
export async function selectWithdrawalForUpdate(db: Queryable, id: string, performerId: string | null): Promise<WithdrawalRow | undefined> {
  const { rows } = await db.query<WithdrawalRow>(
    `SELECT ${WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.id = $1 AND ($2::uuid IS NULL OR w.performer_id = $2::uuid) FOR UPDATE`,
    [id, performerId],
  );
  return rows[0];
}

export async function selectWithdrawalByKey(db: Queryable, performerId: string, key: string): Promise<WithdrawalRow | null> {
  const { rows } = await db.query<WithdrawalRow>(`SELECT ${WITHDRAWAL_COLUMNS} FROM withdrawals w WHERE w.performer_id = $1 AND w.idempotency_key = $2`, [
    performerId,
    key,
  ]);
  return rows[0] ?? null;
}

/** One request at a time per performer, until the transaction ends. */
export async function lockPerformerWithdrawalRequests(db: Queryable, performerId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('withdrawal-request:' || $1, 0))", [performerId]);
}

export interface NewWithdrawal {
  performerId: string;
  credits: bigint;
  currency: string;
  grossMinor: bigint;
  feeMinor: bigint;
  netMinor: bigint;
  method: PayoutMethod;
  payoutDetails: PayoutDetailsSnapshot;
  idempotencyKey: string;
  holdTransactionId: bigint;
}

/** The new REQUESTED row; undefined when the same key raced in on another connection and won. */
export async function insertWithdrawal(db: Queryable, withdrawal: NewWithdrawal): Promise<WithdrawalRow | undefined> {
  const inserted = await db.query<WithdrawalRow>(
    `INSERT INTO withdrawals AS w (id, performer_id, credits, currency, gross_minor, fee_minor, net_minor, method, payout_details, status,
                                idempotency_key, hold_transaction_id, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7::"PayoutMethod", $8::jsonb, 'REQUESTED', $9, $10, now())
       ON CONFLICT (performer_id, idempotency_key) DO NOTHING
       RETURNING ${WITHDRAWAL_COLUMNS}`,
    [
      withdrawal.performerId,
      withdrawal.credits.toString(),
      withdrawal.currency,
      withdrawal.grossMinor.toString(),
      withdrawal.feeMinor.toString(),
      withdrawal.netMinor.toString(),
      withdrawal.method,
      JSON.stringify(withdrawal.payoutDetails),
      withdrawal.idempotencyKey,
      withdrawal.holdTransactionId.toString(),
    ],
  );
  return inserted.rows[0];
}

export async function insertRequestedEvent(db: Queryable, withdrawalId: string, performerId: string): Promise<void> {
  await db.query(`INSERT INTO withdrawal_events (withdrawal_id, from_status, to_status, actor_id) VALUES ($1, NULL, 'REQUESTED', $2)`, [
    withdrawalId,
    performerId,
  ]);
}

/** Credits the performer asked for in the auto-approval window, this request and ended ones left out. */
export async function creditsRequestedWithin(db: Queryable, performerId: string, exceptId: string, hours: number): Promise<bigint> {
  const window = await db.query<{ credits: string }>(
    `SELECT coalesce(sum(credits), 0) AS credits FROM withdrawals
          WHERE performer_id = $1 AND id <> $2 AND status NOT IN ('CANCELLED', 'REJECTED', 'FAILED')
            AND created_at > now() - make_interval(hours => $3)`,
    [performerId, exceptId, hours],
  );
  return BigInt(window.rows[0]?.credits ?? "0");
}

export interface WithdrawalStatusChange {
  id: string;
  from: WithdrawalStatus;
  to: WithdrawalStatus;
  settleTransactionId: string | null;
  releaseTransactionId: string | null;
  reference: string | null;
  reason: string | null;
  stripePayoutId: string | null;
  actorId: string | null;
  note: string | null;
}

/** The new status on the row (details given are kept, absent ones left as they were) and its event. */
export async function recordStatusChange(db: Queryable, change: WithdrawalStatusChange): Promise<void> {
  await db.query(
    `UPDATE withdrawals
        SET status = $2::"WithdrawalStatus", settle_transaction_id = $3, release_transaction_id = $4,
            reference = coalesce($5, reference), reason = coalesce($6, reason),
            stripe_payout_id = coalesce($7, stripe_payout_id), updated_at = now()
      WHERE id = $1`,
    [change.id, change.to, change.settleTransactionId, change.releaseTransactionId, change.reference, change.reason, change.stripePayoutId],
  );
  await db.query(
    `INSERT INTO withdrawal_events (withdrawal_id, from_status, to_status, actor_id, note)
     VALUES ($1, $2::"WithdrawalStatus", $3::"WithdrawalStatus", $4, $5)`,
    [change.id, change.from, change.to, change.actorId, change.note],
  );
}

/** Records the Stripe transfer once; a second sender's write is a no-op. */
export async function setStripeTransfer(db: Queryable, withdrawalId: string, transferId: string): Promise<void> {
  await db.query("UPDATE withdrawals SET stripe_transfer_id = $2, updated_at = now() WHERE id = $1 AND stripe_transfer_id IS NULL", [withdrawalId, transferId]);
}

export interface WithdrawalEventRow {
  withdrawal_id: string;
  from_status: WithdrawalStatus | null;
  to_status: WithdrawalStatus;
  actor_id: string | null;
  performer_id: string;
  display_name: string | null;
  note: string | null;
  created_at: Date;
}

/** The status history of the withdrawals, oldest first, with each actor's name. */
export async function selectWithdrawalEvents(db: Queryable, withdrawalIds: readonly string[]): Promise<WithdrawalEventRow[]> {
  const { rows } = await db.query<WithdrawalEventRow>(
    `SELECT e.withdrawal_id, e.from_status, e.to_status, e.actor_id, w.performer_id, u.display_name, e.note, e.created_at
       FROM withdrawal_events e
       JOIN withdrawals w ON w.id = e.withdrawal_id
       LEFT JOIN users u ON u.id = e.actor_id
      WHERE e.withdrawal_id = ANY($1::uuid[])
      ORDER BY e.id`,
    [withdrawalIds],
  );
  return rows;
}

export interface StatusEmailRow {
  email: string;
  display_name: string;
  credits: string;
  currency: string;
  fee_minor: string;
  net_minor: string;
  method: PayoutMethod;
  reference: string | null;
  reason: string | null;
  note: string | null;
}

/** What a status email says, read in the transaction that made the change (the note of that change included). */
export async function selectStatusEmailFacts(db: Queryable, withdrawalId: string, status: WithdrawalStatus): Promise<StatusEmailRow | undefined> {
  const { rows } = await db.query<StatusEmailRow>(
    `SELECT u.email, u.display_name, w.credits, w.currency, w.fee_minor, w.net_minor, w.method, w.reference, w.reason,
            (SELECT e.note FROM withdrawal_events e WHERE e.withdrawal_id = w.id AND e.to_status = $2::"WithdrawalStatus"
              ORDER BY e.id DESC LIMIT 1) AS note
       FROM withdrawals w JOIN users u ON u.id = w.performer_id WHERE w.id = $1`,
    [withdrawalId, status],
  );
  return rows[0];
}

export interface QueueRow extends WithdrawalRow {
  username: string;
  display_name: string;
  email: string;
  stage_name: string | null;
}

export interface QueueFilter {
  statuses: WithdrawalStatus[] | null;
  /** An ILIKE pattern, already escaped. */
  performerPattern: string | null;
  method: PayoutMethod | null;
  from: string | null;
  to: string | null;
  oldestFirst: boolean;
  limit: number;
}

/**
 * The admin's queue and export in one statement: the performer search spans users and performer profiles, and
 * the export reads up to its limit of rows.
 */
export async function selectWithdrawalQueue(db: Queryable, filter: QueueFilter): Promise<QueueRow[]> {
  const { rows } = await db.query<QueueRow>(
    `SELECT ${WITHDRAWAL_COLUMNS}, u.username, u.display_name, u.email, p.stage_name
       FROM withdrawals w
       JOIN users u ON u.id = w.performer_id
       LEFT JOIN performer_profiles p ON p.user_id = w.performer_id
      WHERE ($1::"WithdrawalStatus"[] IS NULL OR w.status = ANY($1::"WithdrawalStatus"[]))
        AND ($2::text IS NULL OR u.username ILIKE $2 OR u.email ILIKE $2 OR u.display_name ILIKE $2 OR p.stage_name ILIKE $2)
        AND ($3::"PayoutMethod" IS NULL OR w.method = $3::"PayoutMethod")
        AND ($4::date IS NULL OR w.created_at >= ($4::date)::timestamp AT TIME ZONE 'UTC')
        AND ($5::date IS NULL OR w.created_at < ($5::date + 1)::timestamp AT TIME ZONE 'UTC')
      ORDER BY w.created_at ${filter.oldestFirst ? "ASC" : "DESC"}, w.id
      LIMIT $6`,
    [filter.statuses, filter.performerPattern, filter.method, filter.from, filter.to, filter.limit],
  );
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Payout profiles

export interface PayoutProfileRecord {
  performerId: string;
  method: PayoutMethod;
  currency: string;
  details: Record<string, string>;
  stripeAccountId: string | null;
  methodChangedAt: Date;
  updatedAt: Date;
}

/** The profile's columns named as the record's fields. */
const PROFILE_COLUMNS = `performer_id AS "performerId", method, currency, details, stripe_account_id AS "stripeAccountId",
  method_changed_at AS "methodChangedAt", updated_at AS "updatedAt"`;

/** FOR SHARE keeps the profile as read while a withdrawal is requested; FOR UPDATE while it is saved. */
export async function selectPayoutProfileLocked(db: Queryable, performerId: string, lock: "share" | "update"): Promise<PayoutProfileRecord | null> {
  const { rows } = await db.query<PayoutProfileRecord>(
    `SELECT ${PROFILE_COLUMNS} FROM payout_profiles WHERE performer_id = $1 ${lock === "share" ? "FOR SHARE" : "FOR UPDATE"}`,
    [performerId],
  );
  return rows[0] ?? null;
}

export interface ProfileValues {
  method: PayoutMethod;
  currency: string;
  details: Record<string, string>;
}

/** Creates or replaces the profile; `restartLock` moves method_changed_at to the database's now. */
export async function upsertPayoutProfile(db: Queryable, performerId: string, values: ProfileValues, restartLock: boolean): Promise<PayoutProfileRecord | undefined> {
  const { rows } = await db.query<PayoutProfileRecord>(
    `INSERT INTO payout_profiles (performer_id, method, currency, details, method_changed_at, updated_at)
       VALUES ($1, $2::"PayoutMethod", $3, $4::jsonb, now(), now())
       ON CONFLICT (performer_id) DO UPDATE
         SET method = excluded.method, currency = excluded.currency, details = excluded.details, updated_at = now(),
             method_changed_at = CASE WHEN $5 THEN now() ELSE payout_profiles.method_changed_at END
       RETURNING ${PROFILE_COLUMNS}`,
    [performerId, values.method, values.currency, JSON.stringify(values.details), restartLock],
  );
  return rows[0];
}

/** Stores the first connected account (a second onboarding's is ignored) and restarts the lock. */
export async function setStripeAccount(db: Queryable, performerId: string, accountId: string): Promise<void> {
  await db.query(
    `UPDATE payout_profiles SET stripe_account_id = $2, method_changed_at = now(), updated_at = now()
          WHERE performer_id = $1 AND stripe_account_id IS NULL`,
    [performerId, accountId],
  );
}
