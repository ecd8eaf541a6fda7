import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type Leg, systemAccount, walletAccount } from "@/server/domain/ledger";
import { type ExchangeQuote, RATE_SCALE, quoteExchange } from "@/server/domain/wallets";
import type { TransactionKind } from "@/server/generated/prisma/enums";
import { type PostingResult, post } from "@/server/ledger/post";
import { type WalletType, walletTypesById } from "./wallet-types";

/**
 * A move of value between two of one member's wallets: an exchange they confirm, or a top-up of the wallet that
 * pays in rooms. Within a currency it is one leg out, the fee, one leg in. Across currencies the value passes
 * through each currency's exchange (liquidity) account, so each currency's legs still sum to zero, and the rate
 * used is recorded on the posting. Rounding follows quoteExchange (the platform's favour).
 */

export interface AppliedRate {
  /** The exchange_rates row; null for a same-currency move with no fee row. */
  id: bigint | null;
  rateE8: bigint;
  feeBps: number;
  effectiveFrom: Date | null;
}

export interface WalletMovePlan {
  userId: string;
  from: WalletType;
  to: WalletType;
  rate: AppliedRate;
  quote: ExchangeQuote;
}

export interface WalletMoveRequest {
  fromWalletTypeId: string;
  toWalletTypeId: string;
  amount: bigint;
  /** A quote's rate: the move uses exactly that row instead of the one in effect now. */
  rateId?: bigint;
}

/** Checks the wallets' exchange rules and works out the move at the rate in effect (or the quoted rate). Posts nothing. */
export async function planWalletMove(db: Queryable, userId: string, request: WalletMoveRequest): Promise<WalletMovePlan> {
  if (request.fromWalletTypeId === request.toWalletTypeId) throw new DomainError("BAD_REQUEST", "Choose two different wallets.");
  const types = await walletTypesById(db, [request.fromWalletTypeId, request.toWalletTypeId], { shareLock: true });
  const from = types.get(request.fromWalletTypeId) as WalletType;
  const to = types.get(request.toWalletTypeId) as WalletType;
  if (!from.active) throw new DomainError("PRECONDITION_FAILED", `The ${from.name} wallet is not in use any more.`);
  if (!to.active) throw new DomainError("PRECONDITION_FAILED", `The ${to.name} wallet is not in use any more.`);
  if (!from.exchangeOut) throw new DomainError("FORBIDDEN", `Value cannot be moved out of your ${from.name} wallet.`);
  if (!to.exchangeIn) throw new DomainError("FORBIDDEN", `Value cannot be moved into your ${to.name} wallet.`);
  const rate = await rateFor(db, from.currency, to.currency, request.rateId);
  const quote = quoteExchange({ amount: request.amount, fromExponent: from.exponent, toExponent: to.exponent, rateE8: rate.rateE8, feeBps: rate.feeBps });
  return { userId, from, to, rate, quote };
}

/** The rate and fee a move between the two currencies gets now; refused in words when none is set. */
export function rateInEffect(db: Queryable, fromCurrency: string, toCurrency: string): Promise<AppliedRate> {
  return rateFor(db, fromCurrency, toCurrency, undefined);
}

/**
 * The rate from one currency to another: the quoted row when one is named (it must still be the pair's), else the
 * latest row in effect at the database's clock. Within a currency the rate is 1 and the fee that of a row from the
 * currency to itself, if an admin set one.
 */
async function rateFor(db: Queryable, fromCurrency: string, toCurrency: string, rateId: bigint | undefined): Promise<AppliedRate> {
  const { rows } = await db.query<{ id: string; rate_e8: string; fee_bps: number; effective_from: Date }>(
    `SELECT id, rate_e8, fee_bps, effective_from FROM exchange_rates
      WHERE from_currency = $1 AND to_currency = $2 AND ($3::bigint IS NULL OR id = $3::bigint) AND effective_from <= now()
      ORDER BY effective_from DESC, id DESC LIMIT 1`,
    [fromCurrency, toCurrency, rateId?.toString() ?? null],
  );
  const row = rows[0];
  if (row) {
    return {
      id: BigInt(row.id),
      rateE8: fromCurrency === toCurrency ? RATE_SCALE : BigInt(row.rate_e8),
      feeBps: row.fee_bps,
      effectiveFrom: row.effective_from,
    };
  }
  if (rateId !== undefined) throw new DomainError("PRECONDITION_FAILED", "That quote's rate cannot be used; ask for a new quote.");
  if (fromCurrency === toCurrency) return { id: null, rateE8: RATE_SCALE, feeBps: 0, effectiveFrom: null };
  throw new DomainError("PRECONDITION_FAILED", `No exchange rate from ${fromCurrency} to ${toCurrency} is set.`);
}

/** The legs of a move: out of the source, the fee, through the exchange accounts when currencies differ, into the destination. */
export function walletMoveLegs(plan: WalletMovePlan): Leg[] {
  const { userId, from, to, quote } = plan;
  const legs: Leg[] = [{ account: walletAccount(userId, from), amount: -quote.amount }];
  if (quote.fee > 0n) legs.push({ account: systemAccount("fees", from.currency), amount: quote.fee });
  if (from.currency === to.currency) {
    legs.push({ account: walletAccount(userId, to), amount: quote.result });
    return legs;
  }
  legs.push(
    { account: systemAccount("exchange", from.currency), amount: quote.net },
    { account: systemAccount("exchange", to.currency), amount: -quote.result },
    { account: walletAccount(userId, to), amount: quote.result },
  );
  return legs;
}

export interface WalletMovePosting {
  kind: Extract<TransactionKind, "EXCHANGE" | "TOP_UP">;
  idempotencyKey: string;
  description: string;
  metadata?: Record<string, unknown>;
}

export interface WalletMoveMetadata {
  fromWallet: string;
  toWallet: string;
  fromCurrency: string;
  toCurrency: string;
  amount: string;
  fee: string;
  result: string;
  rateE8: string;
  rateId: string | null;
  feeBps: number;
}

/** Posts a planned move; the source's guarded debit is the real limit. A replay with the same key returns the first. */
export function postWalletMove(db: Queryable, plan: WalletMovePlan, posting: WalletMovePosting): Promise<PostingResult> {
  const metadata: WalletMoveMetadata = {
    fromWallet: plan.from.id,
    toWallet: plan.to.id,
    fromCurrency: plan.from.currency,
    toCurrency: plan.to.currency,
    amount: plan.quote.amount.toString(),
    fee: plan.quote.fee.toString(),
    result: plan.quote.result.toString(),
    rateE8: plan.rate.rateE8.toString(),
    rateId: plan.rate.id?.toString() ?? null,
    feeBps: plan.rate.feeBps,
  };
  return post(db, {
    kind: posting.kind,
    idempotencyKey: posting.idempotencyKey,
    request: { from: plan.from.id, to: plan.to.id, amount: plan.quote.amount, rateId: metadata.rateId },
    actorId: plan.userId,
    description: posting.description,
    metadata: { ...posting.metadata, ...metadata },
    legs: walletMoveLegs(plan),
  });
}
