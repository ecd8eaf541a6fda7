import "server-only";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import {
  type ExchangeQuoteInput,
  MAX_EXCHANGE_MINOR,
  amountFromText,
  confirmExchangeInputSchema,
  exchangeQuoteInputSchema,
} from "@/server/domain/exchange";
import { formatWalletAmount } from "@/server/domain/money";
import { formatRate, isQuoteFresh } from "@/server/domain/wallets";
import { walletBalances } from "@/server/ledger/balances";
import { enqueue } from "@/server/outbox/messages";
import { getSetting } from "@/server/services/settings";
import { type WalletMovePlan, planWalletMove, postWalletMove } from "./moves";
import { type WalletType, listWalletTypes, walletTypeById, walletTypesById } from "./wallet-types";

/**
 * A member exchanges between two of their own wallets in two steps: a quote stores exactly what they are shown
 * (amounts, the rate row, when it stops being honoured); confirming it posts that, once, if it is still fresh by the
 * database's clock and the wallets' rules and the quoted rate still give the same result.
 */

export const STALE_QUOTE_MESSAGE = "This quote has expired; get a new one.";

export interface ExchangeWallet {
  id: string;
  name: string;
  currency: string;
  exponent: number;
}

export interface ExchangeQuoteView {
  id: string;
  from: ExchangeWallet;
  to: ExchangeWallet;
  /** Taken from the source wallet, fee included, in its minor units. */
  amount: bigint;
  fee: bigint;
  /** Credited to the destination wallet, in its minor units. */
  result: bigint;
  rateE8: bigint;
  feeBps: number;
  /** "1 CRD = 0.09 USD". */
  rateWords: string;
  createdAt: Date;
  expiresAt: Date;
  /** Seconds the quote had left when it was read, by the database's clock: the browser counts down from this, not from its own clock. */
  secondsLeft: number;
}

export interface ExchangeResult {
  quote: ExchangeQuoteView;
  transactionId: bigint;
  /** True when this confirmation repeated one already posted (the same key). */
  replayed: boolean;
  /** The two wallets' balances after the exchange, in their minor units. */
  balances: { from: bigint; to: bigint };
}

interface QuoteRecord {
  id: string;
  user_id: string;
  from_wallet_type_id: string;
  to_wallet_type_id: string;
  amount: string;
  fee: string;
  result: string;
  exchange_rate_id: string | null;
  rate_e8: string;
  fee_bps: number;
  created_at: Date;
  expires_at: Date;
  idempotency_key: string | null;
  transaction_id: string | null;
  /** The database's clock when the row was read. */
  now: Date;
}

function walletOf(type: WalletType): ExchangeWallet {
  return { id: type.id, name: type.name, currency: type.currency, exponent: type.exponent };
}

function viewOf(record: QuoteRecord, from: WalletType, to: WalletType): ExchangeQuoteView {
  const rateE8 = BigInt(record.rate_e8);
  return {
    id: record.id,
    from: walletOf(from),
    to: walletOf(to),
    amount: BigInt(record.amount),
    fee: BigInt(record.fee),
    result: BigInt(record.result),
    rateE8,
    feeBps: record.fee_bps,
    rateWords: formatRate(rateE8, from.currency, to.currency),
    createdAt: record.created_at,
    expiresAt: record.expires_at,
    secondsLeft: Math.max(0, Math.floor((record.expires_at.getTime() - record.now.getTime()) / 1000)),
  };
}

async function assertCanAfford(db: Queryable, userId: string, plan: WalletMovePlan): Promise<void> {
  const balance = (await walletBalances(db, userId)).wallets[plan.from.id] ?? 0n;
  if (balance < plan.quote.amount) {
    throw new DomainError(
      "INSUFFICIENT_FUNDS",
      `Your ${plan.from.name} wallet has ${formatWalletAmount(balance, { currency: plan.from.currency, exponent: plan.from.exponent })}; that is less than ${formatWalletAmount(plan.quote.amount, { currency: plan.from.currency, exponent: plan.from.exponent })}.`,
    );
  }
}

/** Works out an exchange at the rate in effect and stores it as a quote the member may confirm for a while. Posts nothing. */
export async function quoteWalletExchange(userId: string, input: ExchangeQuoteInput): Promise<ExchangeQuoteView> {
  const request = exchangeQuoteInputSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const from = await walletTypeById(db, request.fromWalletTypeId);
    const amount = amountFromText(request.amount, from.exponent);
    const plan = await planWalletMove(db, userId, { fromWalletTypeId: request.fromWalletTypeId, toWalletTypeId: request.toWalletTypeId, amount });
    if (plan.quote.result > MAX_EXCHANGE_MINOR) throw new DomainError("BAD_REQUEST", "That amount is too large to exchange at once.");
    await assertCanAfford(db, userId, plan);
    const { quoteSeconds } = await getSetting(db, "exchange");
    const { rows } = await db.query<QuoteRecord>(
      `INSERT INTO exchange_quotes (user_id, from_wallet_type_id, to_wallet_type_id, amount, fee, result, exchange_rate_id, rate_e8, fee_bps, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10))
       RETURNING *, now() AS now`,
      [
        userId,
        plan.from.id,
        plan.to.id,
        plan.quote.amount.toString(),
        plan.quote.fee.toString(),
        plan.quote.result.toString(),
        plan.rate.id?.toString() ?? null,
        plan.rate.rateE8.toString(),
        plan.rate.feeBps,
        quoteSeconds,
      ],
    );
    return viewOf(rows[0] as QuoteRecord, plan.from, plan.to);
  });
}

/** The member's own quote, locked for the confirmation; another member's quote is as good as absent. */
async function lockQuote(db: Queryable, userId: string, quoteId: string): Promise<QuoteRecord> {
  const { rows } = await db.query<QuoteRecord>("SELECT *, now() AS now FROM exchange_quotes WHERE id = $1 FOR UPDATE", [quoteId]);
  const record = rows[0];
  if (!record || record.user_id !== userId) throw new DomainError("NOT_FOUND", "There is no such quote.");
  return record;
}

async function balancesAfter(db: Queryable, userId: string, fromId: string, toId: string): Promise<ExchangeResult["balances"]> {
  const { wallets } = await walletBalances(db, userId);
  return { from: wallets[fromId] ?? 0n, to: wallets[toId] ?? 0n };
}

/**
 * Confirms a quote: in one transaction, with the quote row locked so two confirmations of it queue. A repeat with
 * the same key returns the first result; another key, a stale quote, or terms that changed since are refused with
 * nothing posted. The source's guarded debit is what keeps concurrent exchanges from overdrawing it.
 */
export async function confirmWalletExchange(userId: string, input: { quoteId: string; idempotencyKey: string }): Promise<ExchangeResult> {
  const { quoteId, idempotencyKey } = confirmExchangeInputSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const record = await lockQuote(db, userId, quoteId);
    const types = await walletTypesById(db, [record.from_wallet_type_id, record.to_wallet_type_id]);
    const [from, to] = [types.get(record.from_wallet_type_id) as WalletType, types.get(record.to_wallet_type_id) as WalletType];
    if (record.transaction_id !== null) {
      if (record.idempotency_key !== idempotencyKey) throw new DomainError("CONFLICT", "This quote was already used; get a new one.");
      return {
        quote: viewOf(record, from, to),
        transactionId: BigInt(record.transaction_id),
        replayed: true,
        balances: await balancesAfter(db, userId, from.id, to.id),
      };
    }

    const { quoteSeconds } = await getSetting(db, "exchange");
    if (!isQuoteFresh(record.created_at, record.now, quoteSeconds) || record.now > record.expires_at) {
      throw new DomainError("PRECONDITION_FAILED", STALE_QUOTE_MESSAGE, { stale: true });
    }

    const plan = await planWalletMove(db, userId, {
      fromWalletTypeId: from.id,
      toWalletTypeId: to.id,
      amount: BigInt(record.amount),
      rateId: record.exchange_rate_id === null ? undefined : BigInt(record.exchange_rate_id),
    });
    const sameTerms =
      (plan.rate.id?.toString() ?? null) === record.exchange_rate_id &&
      plan.quote.fee.toString() === record.fee &&
      plan.quote.result.toString() === record.result;
    if (!sameTerms) throw new DomainError("PRECONDITION_FAILED", "The terms of this exchange changed since the quote; get a new one.");

    const posted = await postWalletMove(db, plan, {
      kind: "EXCHANGE",
      idempotencyKey: `exchange:${quoteId}`,
      description: `Exchange: ${formatWalletAmount(plan.quote.amount, { currency: from.currency, exponent: from.exponent })} from ${from.name} to ${formatWalletAmount(plan.quote.result, { currency: to.currency, exponent: to.exponent })} in ${to.name}`,
      metadata: { quoteId },
    });
    await db.query("UPDATE exchange_quotes SET transaction_id = $2, idempotency_key = $3 WHERE id = $1", [quoteId, posted.transactionId.toString(), idempotencyKey]);
    await enqueue(db, [{ key: `exchange:${posted.transactionId}:wallet`, kind: "wallet-update", userId }]);
    return {
      quote: viewOf(record, from, to),
      transactionId: posted.transactionId,
      replayed: false,
      balances: await balancesAfter(db, userId, from.id, to.id),
    };
  });
}

export interface ExchangeWalletBalance extends ExchangeWallet {
  balance: bigint;
  exchangeIn: boolean;
  exchangeOut: boolean;
}

/** The member's active wallets with their balances and whether value may leave or enter each, for the exchange page. */
export async function exchangeWallets(userId: string): Promise<ExchangeWalletBalance[]> {
  const [types, balances] = await Promise.all([listWalletTypes(), walletBalances(pool, userId)]);
  return types.map((type) => ({
    ...walletOf(type),
    balance: balances.wallets[type.id] ?? 0n,
    exchangeIn: type.exchangeIn,
    exchangeOut: type.exchangeOut,
  }));
}
