import "server-only";
/** The admin's books: balance adjustments, the users table with balances, the ledger explorer and the invariants. */
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import type { UserSort } from "@/server/domain/user-sorts";
import { adjustmentAmount, type EarningsStage, isEarningsStage } from "@/server/domain/balance-adjustments";
import { CREDITS, systemAccount, userAccount, walletAccount } from "@/server/domain/ledger";
import { HOLDING_CREDITS } from "@/server/domain/payouts";
import { CARD_TAB_WALLET } from "@/server/domain/wallets";
import type { Queryable } from "@/server/db/transaction";
import type { AccountType, ApplicationStatus, Role, TransactionKind, UserStatus } from "@/server/generated/prisma/enums";
import { checkInvariants, type InvariantResult } from "@/server/ledger/invariants";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { recordAudit } from "@/server/services/audit/record";
import { listWalletTypes, type WalletType } from "@/server/services/wallet/wallet-types";
import { explorerTransactionRows, lockedWalletType, type UserBalanceRow, userAccountFacts, userBalanceRows } from "./queries";

export interface AdjustBalanceInput {
  adminId: string;
  userId: string;
  /** A wallet type id, or "pending" / "held". */
  wallet: string;
  /** Signed, in whole units of the wallet's currency ("-12.50"): positive credits the user, negative debits them (never below zero). */
  amount: string;
  reason: string;
  idempotencyKey: string;
}

/**
 * An admin's correction: a ledger transaction between the user's wallet and the adjustments account of the
 * wallet's currency, and an audit row naming wallet, currency, amount and reason, together. The wallet type's row
 * is read with a share lock, so a deactivation waits for the adjustment (or the adjustment sees it inactive).
 */
export async function adjustBalance(input: AdjustBalanceInput): Promise<{ transactionId: bigint; replayed: boolean }> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DomainError("BAD_REQUEST", "Give a reason for the adjustment.");
  const users = await prisma.user.count({ where: { id: input.userId } });
  if (users === 0) throw new DomainError("NOT_FOUND", "That user does not exist.");

  return withTransaction(pool, async (db) => {
    const target = await adjustmentTarget(db, input.userId, input.wallet);
    const amount = adjustmentAmount(input.amount, target);
    const posted = await post(db, {
      kind: "ADJUSTMENT",
      idempotencyKey: `adjustment:${input.adminId}:${input.idempotencyKey}`,
      request: { userId: input.userId, wallet: target.wallet, amount, reason },
      actorId: input.adminId,
      description: `Adjustment: ${reason}`,
      metadata: { reason, wallet: target.wallet, currency: target.currency },
      legs: [
        { account: target.account, amount },
        { account: systemAccount("adjustments", target.currency), amount: -amount },
      ],
    }).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
        throw new DomainError("INSUFFICIENT_FUNDS", `That would take the ${target.name} balance below zero.`);
      }
      throw error;
    });
    if (!posted.replayed) {
      await recordAudit(db, {
        actorId: input.adminId,
        action: "ledger.adjust",
        target: { type: "user", id: input.userId },
        details: { amount, reason, wallet: target.wallet, currency: target.currency, transactionId: posted.transactionId },
      });
      await enqueue(db, [{ key: `adjustment:${posted.transactionId}:wallet`, kind: "wallet-update", userId: input.userId }]);
    }
    return posted;
  });
}

interface AdjustmentTarget {
  wallet: string;
  name: string;
  account: string;
  currency: string;
  exponent: number;
}

const STAGE_NAMES: Record<EarningsStage, string> = { pending: "Pending", held: "Held" };

/** The account an adjustment posts to: a wallet of an active type, or the user's pending or held credits. */
async function adjustmentTarget(db: Queryable, userId: string, wallet: string): Promise<AdjustmentTarget> {
  if (isEarningsStage(wallet)) {
    return { wallet, name: STAGE_NAMES[wallet], account: userAccount(userId, wallet), currency: CREDITS, exponent: 0 };
  }
  const type = await lockedWalletType(db, wallet);
  if (!type) throw new DomainError("NOT_FOUND", "There is no such wallet.");
  if (!type.active) throw new DomainError("PRECONDITION_FAILED", `The ${type.name} wallet is not in use; activate it before adjusting it.`);
  if (type.id === CARD_TAB_WALLET) {
    throw new DomainError("FORBIDDEN", "A card tab holds only what a card authorised; adjust the member's Credits instead, or finalise the tab.");
  }
  return {
    wallet: type.id,
    name: type.name,
    account: walletAccount(userId, { accountKind: type.account_kind, currency: type.currency }),
    currency: type.currency,
    exponent: type.exponent,
  };
}

export interface UserWallet {
  /** The wallet type's id. */
  id: string;
  name: string;
  currency: string;
  exponent: number;
  /** In minor units of the currency. */
  balance: bigint;
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
  /** The Credits wallet, which the table sorts by. */
  available: bigint;
  earnings: bigint;
  pending: bigint;
  held: bigint;
  restricted: boolean;
  /** A wallet per active wallet type, in the order pages list them, each in its own currency. */
  wallets: UserWallet[];
}

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
  const [rows, types] = await Promise.all([
    userBalanceRows(pool, {
    search,
    exactId: input.search?.trim().toLowerCase() ?? null,
    userId: null,
    role: input.role ?? null,
    status: input.status ?? null,
    sort: input.sort,
    direction: input.direction,
    limit: input.pageSize,
    offset: (input.page - 1) * input.pageSize,
    }),
    listWalletTypes(),
  ]);
  return { total: Number(rows[0]?.total ?? 0), users: rows.map((row) => userWithBalances(row, types)) };
}

function userWithBalances(row: UserBalanceRow, types: readonly WalletType[]): UserWithBalances {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    createdAt: row.created_at,
    applicationStatus: row.application_status,
    available: BigInt(row.available),
    earnings: BigInt(row.earnings),
    pending: BigInt(row.pending),
    held: BigInt(row.held),
    restricted: row.restricted,
    wallets: types.map((type) => ({
      id: type.id,
      name: type.name,
      currency: type.currency,
      exponent: type.exponent,
      balance: BigInt(row.wallets?.[type.id] ?? 0),
    })),
  };
}

/** One user as the admin's user page shows them: the users table's row, and what explains their balances. */
export interface AdminUserDetails extends UserWithBalances {
  /** They opened a card tab (not one that was cancelled before it opened): only then is the tab wallet theirs to see. */
  hasCardTab: boolean;
  /** Withdrawal requests not yet paid or released, and the credits they hold: part of `held`. */
  openWithdrawals: { count: number; credits: bigint };
}

/** The user page's read: the same statement as the users table for the balances, so the two always agree. */
export async function adminUserDetails(userId: string): Promise<AdminUserDetails> {
  const [rows, types, facts] = await Promise.all([
    userBalanceRows(pool, {
      search: null,
      exactId: null,
      userId,
      role: null,
      status: null,
      sort: "createdAt",
      direction: "desc",
      limit: 1,
      offset: 0,
    }),
    listWalletTypes(),
    userAccountFacts(pool, userId, HOLDING_CREDITS),
  ]);
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "There is no user with that id.");
  return {
    ...userWithBalances(row, types),
    hasCardTab: facts.has_card_tab,
    openWithdrawals: { count: facts.open_withdrawals, credits: BigInt(facts.withdrawal_held) },
  };
}

export interface ExplorerFilter {
  userId?: string;
  kind?: TransactionKind;
  /** Only transactions with an entry in this currency; every entry is still shown, each with its currency. */
  currency?: string;
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
  entries: ExplorerEntry[];
}

export interface ExplorerEntry {
  id: bigint;
  account: string;
  accountType: AccountType;
  /** The user whose account it is; null for the platform's accounts. */
  ownerId: string | null;
  owner: string | null;
  /** In minor units of `currency`. */
  amount: bigint;
  currency: string;
  exponent: number;
  /** The wallet's name, for a user's wallet account. */
  wallet: string | null;
}

/** The ledger explorer: transactions newest first with their entries, filtered by user, kind, currency and dates. */
export async function exploreLedger(filter: ExplorerFilter): Promise<{ transactions: ExplorerTransaction[]; nextCursor: bigint | null }> {
  const rows = await explorerTransactionRows(pool, { ...filter, rows: filter.limit + 1 });
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
      ownerId: entry.owner_id,
      owner: entry.owner,
      amount: BigInt(entry.amount),
      currency: entry.currency,
      exponent: entry.exponent,
      wallet: entry.wallet,
    })),
  }));
  const last = transactions[transactions.length - 1];
  return { transactions, nextCursor: rows.length > filter.limit && last ? last.id : null };
}

export function books(): Promise<InvariantResult[]> {
  return checkInvariants(pool);
}
