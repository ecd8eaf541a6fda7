import "server-only";
import { pool } from "@/server/db/client";
import { type HistoryPart, type HistorySummary, OWN_MOVE_COUNTERPARTY, summarizeHistoryGroup } from "@/server/domain/history";
import { DomainError } from "@/server/domain/errors";
import { transferLineDescription } from "@/server/domain/transfers";
import { CARD_TAB_WALLET, EARNINGS_WALLET, describeUses } from "@/server/domain/wallets";
import type { AccountType, Role, TransactionKind } from "@/server/generated/prisma/enums";
import { walletBalances, type WalletBalances } from "@/server/ledger/balances";
import { historyEntryRows, ownActiveWalletTypeIds } from "./queries";
import { type WalletType, walletTypesById } from "./wallet-types";

export type { HistoryPart, WalletBalances };

export function balancesOf(userId: string): Promise<WalletBalances> {
  return walletBalances(pool, userId);
}

/** One of the user's wallets as the wallet page shows it: the type's rules, what it is for in words, its balance. */
export interface OwnWallet extends WalletType {
  uses: string[];
  /** In the currency's minor units. */
  balance: bigint;
}

/**
 * The user's wallets in use, in the admin's order. A member's Earnings wallet is left out while it is empty:
 * only performers earn, and a member reading "can be withdrawn" about a wallet they can never fill would be misled.
 */
export async function walletsOf(user: { id: string; role: Role }): Promise<OwnWallet[]> {
  const ids = await ownActiveWalletTypeIds(pool, user.id);
  const [types, balances, tabs] = await Promise.all([
    walletTypesById(pool, ids),
    walletBalances(pool, user.id),
    pool.query("SELECT 1 FROM card_tabs WHERE member_id = $1 AND status <> 'CANCELED' LIMIT 1", [user.id]),
  ]);
  // The card tab wallet is everyone's but means something only to a member who has opened a tab.
  const hasTabs = tabs.rows.length > 0;
  return ids
    .map((id) => types.get(id))
    .filter((type): type is WalletType => type !== undefined)
    .map((type) => ({ ...type, uses: describeUses(type), balance: balances.wallets[type.id] ?? 0n }))
    .filter((wallet) => wallet.id !== EARNINGS_WALLET || user.role === "PERFORMER" || wallet.balance !== 0n)
    .filter((wallet) => wallet.id !== CARD_TAB_WALLET || hasTabs);
}

export interface HistoryFilter {
  kind?: TransactionKind;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** The id of the last line of the previous page. */
  cursor?: bigint;
  /** One wallet's lines only (by wallet type id); the user must have that wallet. */
  walletTypeId?: string;
  limit: number;
}

/** One thing the user did (an order, a show, a tip...), with the ledger entries it made on their accounts. */
export interface HistoryLine extends HistorySummary {
  /** The thing's key (see historyGroupKey); unique in a history. */
  key: string;
  /** The line's first entry: lines are ordered by it, and the last line's is the next page's cursor. */
  firstEntryId: bigint;
  /** Oldest first. */
  parts: HistoryPart[];
}

const SYSTEM_COUNTERPARTY: Partial<Record<AccountType, string>> = {
  GATEWAY_CLEARING: "Card payment",
  ADJUSTMENTS: "Tipmeter support",
  REVENUE: "Tipmeter",
  FEES: "Tipmeter fees",
  PAYOUT_CLEARING: "Payout",
  RECEIVABLES: "Tipmeter",
  EXCHANGE: "Currency exchange",
};

/** Who was on the other side of an entry: another user by name, else what the system account stands for. */
export function counterpartyLabel(otherUserName: string | null, otherAccountType: AccountType | null): string {
  if (otherUserName) return otherUserName;
  if (otherAccountType && otherAccountType in SYSTEM_COUNTERPARTY) return SYSTEM_COUNTERPARTY[otherAccountType] as string;
  if (otherAccountType) return `Your ${otherAccountType.toLowerCase()} credits`;
  return OWN_MOVE_COUNTERPARTY;
}

/**
 * A user's history, newest first, one line per thing (historyGroupKey), each with all its entries on the user's
 * accounts. Lines are ordered by their first entry, which never changes as later postings join a line (a show's
 * charges, an order's refund), so keyset pagination on it neither splits nor repeats a line. The filters apply
 * to lines: one with a posting of the kind, started within the dates. A part's counterparty is the largest leg
 * owned by someone else, else the largest system leg.
 */
export async function historyOf(userId: string, filter: HistoryFilter): Promise<{ lines: HistoryLine[]; nextCursor: bigint | null }> {
  if (filter.walletTypeId !== undefined && !(await ownActiveWalletTypeIds(pool, userId)).includes(filter.walletTypeId)) {
    throw new DomainError("NOT_FOUND", "You have no such wallet.");
  }
  const rows = await historyEntryRows(pool, userId, { ...filter, lines: filter.limit + 1 });
  const groups = new Map<string, { firstEntryId: bigint; parts: HistoryPart[] }>();
  for (const row of rows) {
    const group = groups.get(row.group_key) ?? { firstEntryId: BigInt(row.first_entry_id), parts: [] };
    groups.set(row.group_key, group);
    group.parts.push({
      entryId: BigInt(row.entry_id),
      transactionId: BigInt(row.transaction_id),
      kind: row.kind,
      account: row.account_type,
      amount: BigInt(row.amount),
      description: row.kind === "TRANSFER" ? transferLineDescription(row.metadata, userId, row.description) : row.description,
      counterparty: counterpartyLabel(row.other_name, row.other_type),
      createdAt: row.created_at,
    });
  }
  const lines = [...groups]
    .slice(0, filter.limit)
    .map(([key, group]) => ({ key, firstEntryId: group.firstEntryId, parts: group.parts, ...summarizeHistoryGroup(group.parts) }));
  const last = lines[lines.length - 1];
  return { lines, nextCursor: groups.size > filter.limit && last ? last.firstEntryId : null };
}
