import "server-only";
/** The admin's books: balance adjustments, the users table with balances, the ledger explorer and the invariants. */
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import type { UserSort } from "@/server/domain/user-sorts";
import { adjustmentLegs, type UserAccountKind } from "@/server/domain/ledger";
import type { AccountType, ApplicationStatus, Role, TransactionKind, UserStatus } from "@/server/generated/prisma/enums";
import { EFFECTIVE_BALANCE_SQL } from "@/server/ledger/balances";
import { checkInvariants, type InvariantResult } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { recordAudit } from "@/server/services/audit/record";

export interface AdjustBalanceInput {
  adminId: string;
  userId: string;
  account: UserAccountKind;
  /** Positive credits the user, negative debits them (never below zero). */
  amount: bigint;
  reason: string;
  idempotencyKey: string;
}

/** An admin's correction: a ledger transaction against the adjustments account and an audit row, together. */
export async function adjustBalance(input: AdjustBalanceInput): Promise<{ transactionId: bigint; replayed: boolean }> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DomainError("BAD_REQUEST", "Give a reason for the adjustment.");
  if (input.amount === 0n) throw new DomainError("BAD_REQUEST", "An adjustment cannot be zero.");
  const users = await prisma.user.count({ where: { id: input.userId } });
  if (users === 0) throw new DomainError("NOT_FOUND", "That user does not exist.");

  const result = await withTransaction(pool, async (db) => {
    const posted = await post(db, {
      kind: "ADJUSTMENT",
      idempotencyKey: `adjustment:${input.adminId}:${input.idempotencyKey}`,
      request: { userId: input.userId, account: input.account, amount: input.amount, reason },
      actorId: input.adminId,
      description: `Adjustment: ${reason}`,
      metadata: { reason },
      legs: adjustmentLegs(input.userId, input.account, input.amount),
    });
    if (!posted.replayed) {
      await recordAudit(db, {
        actorId: input.adminId,
        action: "ledger.adjust",
        target: { type: "user", id: input.userId },
        details: { account: input.account, amount: input.amount, reason, transactionId: posted.transactionId },
      });
      await enqueue(db, [{ key: `adjustment:${posted.transactionId}:wallet`, kind: "wallet-update", userId: input.userId }]);
    }
    return posted;
  });
  return result;
}

export interface UserWithBalances {
  id: string;
  email: string;
  username: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  createdAt: Date;
  /** The user's performer application, if they ever applied. */
  applicationStatus: ApplicationStatus | null;
  available: bigint;
  pending: bigint;
  held: bigint;
  restricted: boolean;
}

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

/** The admin users table: search by email, username, name or exact id; filter by role and status; sort; pages. */
export async function usersWithBalances(input: {
  search?: string;
  role?: Role;
  status?: UserStatus;
  sort: UserSort;
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}): Promise<{ users: UserWithBalances[]; total: number }> {
  const search = input.search?.trim() ? `%${input.search.trim().replace(/[%_\\]/g, "\\$&")}%` : null;
  const order = `${SORT_SQL[input.sort]} ${input.direction === "asc" ? "ASC" : "DESC"}, u.id`;
  const { rows } = await pool.query<{
    id: string;
    email: string;
    username: string;
    display_name: string;
    role: Role;
    status: UserStatus;
    created_at: Date;
    application_status: ApplicationStatus | null;
    available: string;
    pending: string;
    held: string;
    restricted: boolean;
    total: string;
  }>(
    `SELECT u.id, u.email, u.username, u.display_name, u.role, u.status, u.created_at, pp.status AS application_status,
            coalesce(b.available, 0) AS available, coalesce(b.pending, 0) AS pending, coalesce(b.held, 0) AS held,
            coalesce(b.restricted, false) AS restricted, count(*) OVER () AS total
       FROM users u
       LEFT JOIN performer_profiles pp ON pp.user_id = u.id
       LEFT JOIN LATERAL (
         SELECT sum(x.balance) FILTER (WHERE x.type = 'AVAILABLE') AS available,
                sum(x.balance) FILTER (WHERE x.type = 'PENDING') AS pending,
                sum(x.balance) FILTER (WHERE x.type = 'HELD') AS held,
                bool_or(x.restricted) AS restricted
           FROM (SELECT a.type, a.restricted, ${EFFECTIVE_BALANCE_SQL} AS balance
                   FROM ledger_accounts a WHERE a.owner_id = u.id AND a.currency = 'CRD') x
       ) b ON true
      WHERE ($1::text IS NULL OR u.email ILIKE $1 OR u.username ILIKE $1 OR u.display_name ILIKE $1 OR u.id::text = $4)
        AND ($5::text IS NULL OR u.role::text = $5)
        AND ($6::text IS NULL OR u.status::text = $6)
      ORDER BY ${order}
      LIMIT $2 OFFSET $3`,
    [search, input.pageSize, (input.page - 1) * input.pageSize, input.search?.trim().toLowerCase() ?? null, input.role ?? null, input.status ?? null],
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    users: rows.map((row) => ({
      id: row.id,
      email: row.email,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      status: row.status,
      createdAt: row.created_at,
      applicationStatus: row.application_status,
      available: BigInt(row.available),
      pending: BigInt(row.pending),
      held: BigInt(row.held),
      restricted: row.restricted,
    })),
  };
}

export interface ExplorerFilter {
  userId?: string;
  kind?: TransactionKind;
  from?: Date;
  to?: Date;
  cursor?: bigint;
  limit: number;
}

export interface ExplorerTransaction {
  id: bigint;
  kind: TransactionKind;
  description: string;
  idempotencyKey: string;
  actorId: string | null;
  /** Who made it happen: the admin behind an adjustment, the member behind a tip; null for the system. */
  actor: { id: string; displayName: string; email: string } | null;
  reversesId: bigint | null;
  createdAt: Date;
  entries: { id: bigint; account: string; accountType: AccountType; owner: string | null; amount: bigint }[];
}

/** The ledger explorer: transactions newest first with their entries, filtered by user, kind and dates. */
export async function exploreLedger(filter: ExplorerFilter): Promise<{ transactions: ExplorerTransaction[]; nextCursor: bigint | null }> {
  const { rows } = await pool.query<{
    id: string;
    kind: TransactionKind;
    description: string;
    idempotency_key: string;
    actor_id: string | null;
    actor_name: string | null;
    actor_email: string | null;
    reverses_id: string | null;
    created_at: Date;
    entries: { id: number | string; code: string; type: AccountType; owner: string | null; amount: number | string }[];
  }>(
    `SELECT t.id, t.kind, t.description, t.idempotency_key, actor.id AS actor_id, actor.display_name AS actor_name,
            actor.email AS actor_email, t.reverses_id, t.created_at,
            (SELECT json_agg(json_build_object('id', e.id::text, 'code', a.code, 'type', a.type,
                                               'owner', u.display_name, 'amount', e.amount::text) ORDER BY e.id)
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id LEFT JOIN users u ON u.id = a.owner_id
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
      ORDER BY t.id DESC
      LIMIT $6`,
    [filter.userId ?? null, filter.kind ?? null, filter.from ?? null, filter.to ?? null, filter.cursor?.toString() ?? null, filter.limit + 1],
  );
  const transactions = rows.slice(0, filter.limit).map((row) => ({
    id: BigInt(row.id),
    kind: row.kind,
    description: row.description,
    idempotencyKey: row.idempotency_key,
    actorId: row.actor_id,
    actor: row.actor_id && row.actor_name !== null && row.actor_email !== null ? { id: row.actor_id, displayName: row.actor_name, email: row.actor_email } : null,
    reversesId: row.reverses_id ? BigInt(row.reverses_id) : null,
    createdAt: row.created_at,
    entries: (row.entries ?? []).map((entry) => ({
      id: BigInt(entry.id),
      account: entry.code,
      accountType: entry.type,
      owner: entry.owner,
      amount: BigInt(entry.amount),
    })),
  }));
  const last = transactions[transactions.length - 1];
  return { transactions, nextCursor: rows.length > filter.limit && last ? last.id : null };
}

export function books(): Promise<InvariantResult[]> {
  return checkInvariants(pool);
}
