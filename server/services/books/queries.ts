import "server-only";
/**
 * The books' SQL, each statement typed and covered by ledger-admin.int.test.ts: the users table with balances
 * summed from the ledger in one statement (so it can sort and page by them), and the ledger explorer.
 */
import type { Queryable } from "@/server/db/transaction";
import type { UserSort } from "@/server/domain/user-sorts";
import type { AccountType, ApplicationStatus, Role, TransactionKind, UserStatus, WithdrawalStatus } from "@/server/generated/prisma/enums";
import { EFFECTIVE_BALANCE_SQL } from "@/server/ledger/balances";

const SORT_SQL: Record<UserSort, string> = {
  createdAt: "u.created_at",
  email: "u.email",
  username: "u.username",
  displayName: "u.display_name",
  role: "u.role",
  status: "u.status",
  available: "available",
  pending: "pending",
};

export interface UserBalanceQuery {
  /** An ILIKE pattern over email, username and display name; null for everyone. */
  search: string | null;
  /** A user id matched exactly, alongside the pattern. */
  exactId: string | null;
  /** Only this user (the admin's user page reads its one row with the table's own statement). */
  userId: string | null;
  role: Role | null;
  status: UserStatus | null;
  sort: UserSort;
  direction: "asc" | "desc";
  limit: number;
  offset: number;
}

export interface UserBalanceRow {
  id: string;
  email: string;
  username: string;
  display_name: string;
  role: Role;
  status: UserStatus;
  created_at: Date;
  application_status: ApplicationStatus | null;
  available: string;
  earnings: string;
  pending: string;
  held: string;
  restricted: boolean;
  /** Balances of the wallets of active types, by wallet type id, as exact text; null for a user with none. */
  wallets: Record<string, string> | null;
  /** Every user the filter matches, for the pager. */
  total: string;
}

/** One page of users with their credit balances and every wallet of an active type. */
export async function userBalanceRows(db: Queryable, query: UserBalanceQuery): Promise<UserBalanceRow[]> {
  const order = `${SORT_SQL[query.sort]} ${query.direction === "asc" ? "ASC" : "DESC"}, u.id`;
  const { rows } = await db.query<UserBalanceRow>(
    `SELECT u.id, u.email, u.username, u.display_name, u.role, u.status, u.created_at, pp.status AS application_status,
            coalesce(b.available, 0) AS available, coalesce(b.earnings, 0) AS earnings, coalesce(b.pending, 0) AS pending, coalesce(b.held, 0) AS held,
            coalesce(b.restricted, false) AS restricted, b.wallets, count(*) OVER () AS total
       FROM users u
       LEFT JOIN performer_profiles pp ON pp.user_id = u.id
       LEFT JOIN LATERAL (
         SELECT sum(x.balance) FILTER (WHERE x.type = 'AVAILABLE' AND x.currency = 'CRD') AS available,
                sum(x.balance) FILTER (WHERE x.type = 'EARNINGS' AND x.currency = 'CRD') AS earnings,
                sum(x.balance) FILTER (WHERE x.type = 'PENDING' AND x.currency = 'CRD') AS pending,
                sum(x.balance) FILTER (WHERE x.type = 'HELD' AND x.currency = 'CRD') AS held,
                bool_or(x.restricted) AS restricted,
                jsonb_object_agg(x.wallet_type_id, x.balance::text) FILTER (WHERE x.wallet_active) AS wallets
           FROM (SELECT a.type, a.currency, a.restricted, a.wallet_type_id, coalesce(wt.active, false) AS wallet_active,
                        ${EFFECTIVE_BALANCE_SQL} AS balance
                   FROM ledger_accounts a LEFT JOIN wallet_types wt ON wt.id = a.wallet_type_id
                  WHERE a.owner_id = u.id) x
       ) b ON true
      WHERE ($1::text IS NULL OR u.email ILIKE $1 OR u.username ILIKE $1 OR u.display_name ILIKE $1 OR u.id::text = $4)
        AND ($5::text IS NULL OR u.role::text = $5)
        AND ($6::text IS NULL OR u.status::text = $6)
        AND ($7::uuid IS NULL OR u.id = $7::uuid)
      ORDER BY ${order}
      LIMIT $2 OFFSET $3`,
    [query.search, query.limit, query.offset, query.exactId, query.role, query.status, query.userId],
  );
  return rows;
}

export interface UserAccountFactsRow {
  has_card_tab: boolean;
  open_withdrawals: number;
  /** Credits the open withdrawals hold, as exact text. */
  withdrawal_held: string;
}

/**
 * What the admin's user page says about a user's balances beyond the amounts: whether they ever opened a card tab
 * (the tab wallet is everyone's but means something only then), and the withdrawals whose credits sit in held.
 */
export async function userAccountFacts(db: Queryable, userId: string, holdingStatuses: readonly WithdrawalStatus[]): Promise<UserAccountFactsRow> {
  const { rows } = await db.query<UserAccountFactsRow>(
    `SELECT EXISTS (SELECT 1 FROM card_tabs WHERE member_id = $1 AND status <> 'CANCELED') AS has_card_tab,
            count(*)::int AS open_withdrawals, coalesce(sum(w.credits), 0)::text AS withdrawal_held
       FROM withdrawals w
      WHERE w.performer_id = $1 AND w.status::text = ANY ($2::text[])`,
    [userId, holdingStatuses],
  );
  return rows[0] ?? { has_card_tab: false, open_withdrawals: 0, withdrawal_held: "0" };
}

export interface LockedWalletType {
  id: string;
  name: string;
  currency: string;
  account_kind: string;
  exponent: number;
  /** The type and its currency are both active. */
  active: boolean;
}

/** A wallet type read for an adjustment, its row share-locked so it can't be deactivated until the posting commits. */
export async function lockedWalletType(db: Queryable, id: string): Promise<LockedWalletType | null> {
  const { rows } = await db.query<LockedWalletType>(
    `SELECT wt.id, wt.name, wt.currency, wt.account_kind, c.exponent, wt.active AND c.active AS active
       FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
      WHERE wt.id = $1
        FOR SHARE OF wt`,
    [id],
  );
  return rows[0] ?? null;
}

export interface ExplorerRowFilter {
  userId?: string;
  kind?: TransactionKind;
  /** Transactions with at least one entry in this currency. */
  currency?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Transactions older than this id. */
  cursor?: bigint;
  rows: number;
}

export interface ExplorerTransactionRow {
  id: string;
  kind: TransactionKind;
  description: string;
  idempotency_key: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  reverses_id: string | null;
  created_at: Date;
  /** Amounts and ids come as text from json_agg, so bigints stay exact. */
  entries:
    | {
        id: number | string;
        code: string;
        type: AccountType;
        owner_id: string | null;
        owner: string | null;
        amount: number | string;
        currency: string;
        exponent: number;
        /** The wallet type's name, for users' wallet accounts. */
        wallet: string | null;
      }[]
    | null;
}

/** Ledger transactions newest first with their entries, filtered by a user's accounts, kind, currency and dates. */
export async function explorerTransactionRows(db: Queryable, filter: ExplorerRowFilter): Promise<ExplorerTransactionRow[]> {
  const { rows } = await db.query<ExplorerTransactionRow>(
    `SELECT t.id, t.kind, t.description, t.idempotency_key, actor.id AS actor_id, actor.display_name AS actor_name,
            actor.email AS actor_email, t.reverses_id, t.created_at,
            (SELECT json_agg(json_build_object('id', e.id::text, 'code', a.code, 'type', a.type,
                                               'owner_id', a.owner_id, 'owner', u.display_name, 'amount', e.amount::text,
                                               'currency', a.currency, 'exponent', c.exponent, 'wallet', wt.name) ORDER BY e.id)
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
               JOIN currencies c ON c.code = a.currency
               LEFT JOIN users u ON u.id = a.owner_id
               LEFT JOIN wallet_types wt ON wt.id = a.wallet_type_id AND a.owner_id IS NOT NULL
              WHERE e.transaction_id = t.id) AS entries
       FROM ledger_transactions t
       -- An adjustment posted without an actor still names its admin through the audit row written with it.
       LEFT JOIN users actor ON actor.id = coalesce(t.actor_id, CASE WHEN t.kind = 'ADJUSTMENT' THEN
              (SELECT al.actor_id FROM audit_log al
                WHERE al.action = 'ledger.adjust' AND al.details->>'transactionId' = t.id::text
                ORDER BY al.id LIMIT 1) END)
      WHERE ($1::uuid IS NULL OR EXISTS (
              SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
               WHERE e.transaction_id = t.id AND a.owner_id = $1::uuid))
        AND ($2::text IS NULL OR t.kind::text = $2)
        AND ($3::timestamptz IS NULL OR t.created_at >= $3)
        AND ($4::timestamptz IS NULL OR t.created_at < $4)
        AND ($5::bigint IS NULL OR t.id < $5)
        AND ($7::text IS NULL OR EXISTS (
              SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
               WHERE e.transaction_id = t.id AND a.currency = $7))
      ORDER BY t.id DESC
      LIMIT $6`,
    [
      filter.userId ?? null,
      filter.kind ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.cursor?.toString() ?? null,
      filter.rows,
      filter.currency ?? null,
    ],
  );
  return rows;
}
