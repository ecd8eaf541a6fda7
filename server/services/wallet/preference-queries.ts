import "server-only";
/**
 * The SQL of the active wallet and its top-ups, each statement typed and covered by active-wallet.int.test.ts: the
 * member's preferences row and its lock, the day's top-ups, the top-up log, and the members a sweep looks at.
 */
import type { Queryable } from "@/server/db/transaction";
import type { TopUpKind, TopUpOutcome } from "@/server/generated/prisma/enums";
import { EFFECTIVE_BALANCE_SQL } from "@/server/ledger/balances";

export interface PreferencesRow {
  active_wallet_type_id: string;
  auto_top_up_source_id: string | null;
  auto_top_up_below: string | null;
  auto_top_up_amount: string | null;
  auto_top_up_max_per_day: number;
  auto_top_up_armed: boolean;
}

const PREFERENCE_COLUMNS =
  "active_wallet_type_id, auto_top_up_source_id, auto_top_up_below, auto_top_up_amount, auto_top_up_max_per_day, auto_top_up_armed";

export async function selectPreferences(db: Queryable, userId: string): Promise<PreferencesRow | undefined> {
  const { rows } = await db.query<PreferencesRow>(`SELECT ${PREFERENCE_COLUMNS} FROM wallet_preferences WHERE user_id = $1`, [userId]);
  return rows[0];
}

/**
 * The member's preferences row, created with the defaults when missing, locked FOR UPDATE until the transaction
 * ends: every change of the rule and every top-up decision takes this lock, so they happen one at a time.
 */
export async function lockPreferencesRow(db: Queryable, userId: string): Promise<PreferencesRow> {
  await db.query("INSERT INTO wallet_preferences (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", [userId]);
  const { rows } = await db.query<PreferencesRow>(`SELECT ${PREFERENCE_COLUMNS} FROM wallet_preferences WHERE user_id = $1 FOR UPDATE`, [userId]);
  const row = rows[0];
  if (!row) throw new Error(`wallet preferences of ${userId} vanished`);
  return row;
}

/** The UTC day, by the database clock (or `at`), that top-ups count against, as YYYY-MM-DD. */
export async function selectTopUpDay(db: Queryable, at: Date | null): Promise<string> {
  const { rows } = await db.query<{ day: string }>("SELECT to_char(coalesce($1::timestamptz, now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day", [at]);
  return (rows[0] as { day: string }).day;
}

/** Automatic top-ups posted on the UTC day of `at` (now when null). */
export async function selectTopUpsToday(db: Queryable, userId: string, at: Date | null): Promise<number> {
  const { rows } = await db.query<{ posted: number }>(
    `SELECT count(*)::int AS posted FROM wallet_top_ups
      WHERE user_id = $1 AND kind = 'AUTO' AND outcome = 'POSTED' AND day = (coalesce($2::timestamptz, now()) AT TIME ZONE 'UTC')::date`,
    [userId, at],
  );
  return rows[0]?.posted ?? 0;
}

/** A wallet's effective balance, by the member and the wallet type. */
export async function selectWalletBalance(db: Queryable, userId: string, walletTypeId: string): Promise<bigint> {
  const { rows } = await db.query<{ balance: string }>(
    `SELECT ${EFFECTIVE_BALANCE_SQL} AS balance FROM ledger_accounts a WHERE a.owner_id = $1 AND a.wallet_type_id = $2`,
    [userId, walletTypeId],
  );
  return BigInt(rows[0]?.balance ?? "0");
}

export interface TopUpLogRow {
  userId: string;
  kind: TopUpKind;
  outcome: TopUpOutcome;
  day: string;
  fromWalletTypeId: string;
  toWalletTypeId: string;
  amount: bigint;
  transactionId: bigint | null;
}

/** Logs a top-up; returns its id and when it was logged (the database clock). */
export async function insertTopUpLog(db: Queryable, log: TopUpLogRow): Promise<{ id: string; created_at: Date }> {
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `INSERT INTO wallet_top_ups (user_id, kind, outcome, day, from_wallet_type_id, to_wallet_type_id, amount, transaction_id)
     VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8) RETURNING id, created_at`,
    [log.userId, log.kind, log.outcome, log.day, log.fromWalletTypeId, log.toWalletTypeId, log.amount.toString(), log.transactionId?.toString() ?? null],
  );
  return rows[0] as { id: string; created_at: Date };
}

export async function setTopUpArmed(db: Queryable, userId: string, armed: boolean): Promise<void> {
  await db.query("UPDATE wallet_preferences SET auto_top_up_armed = $2 WHERE user_id = $1", [userId, armed]);
}

/**
 * Of `memberIds`, those with an automatic top-up whose active wallet pays a meter of theirs in a live show: the
 * members a sweep's top-up looks at. One read for the whole sweep, no lock.
 */
export async function selectTopUpCandidates(db: Queryable, memberIds: readonly string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT wp.user_id FROM wallet_preferences wp
      WHERE wp.user_id = ANY($1::uuid[]) AND wp.auto_top_up_source_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM show_participants sp JOIN shows s ON s.id = sp.show_id
                     WHERE sp.member_id = wp.user_id AND sp.status = 'ACTIVE' AND s.status = 'LIVE'
                       AND sp.wallet_type_id = wp.active_wallet_type_id)
      ORDER BY wp.user_id`,
    [memberIds],
  );
  return rows.map((row) => row.user_id);
}
