import "server-only";
import type { PoolClient } from "pg";
import type { Queryable } from "@/server/db/transaction";
import type { SaleSplit } from "@/server/domain/commission";
import { planEarningsClawback } from "@/server/domain/earnings";
import { DomainError } from "@/server/domain/errors";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import type { SaleKind, TransactionKind } from "@/server/generated/prisma/enums";
import { mapLedgerError, post } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import { SETTINGS } from "../settings/settings";

/**
 * Every sale goes through here: the rate in effect, the split, one ledger posting that records both, and the
 * performer's earnings lot that says when their share matures. Site sales (no performer) go wholly to revenue.
 */

export interface SellingPerformer {
  id: string;
  username: string;
  stageName: string;
}

/** An approved, active performer, by id or username; anyone else cannot sell, so nothing is posted. */
export async function findSellingPerformer(
  db: Queryable,
  who: { performerId?: string; performerUsername?: string },
): Promise<SellingPerformer> {
  const { rows } = await db.query<{ id: string; username: string; stage_name: string; status: string; profile_status: string | null }>(
    `SELECT u.id, u.username, u.status, p.stage_name, p.status AS profile_status
       FROM users u LEFT JOIN performer_profiles p ON p.user_id = u.id
      WHERE ($1::uuid IS NULL OR u.id = $1::uuid) AND ($2::text IS NULL OR u.username = lower($2)) AND u.role = 'PERFORMER'`,
    [who.performerId ?? null, who.performerUsername ?? null],
  );
  const performer = rows[0];
  if (!performer || performer.profile_status !== "APPROVED" || !performer.stage_name) {
    throw new DomainError("NOT_FOUND", "No approved performer goes by that name.");
  }
  if (performer.status !== "ACTIVE") {
    throw new DomainError("PRECONDITION_FAILED", `${performer.stage_name} is suspended and cannot be paid right now.`);
  }
  return { id: performer.id, username: performer.username, stageName: performer.stage_name };
}

/** findSellingPerformer's conditions in SQL, for a statement that joins the performer's user (`user`) and profile (`profile`). */
export const sellingPerformerSql = (user: string, profile: string) =>
  `${user}.role = 'PERFORMER' AND ${user}.status = 'ACTIVE' AND ${profile}.status = 'APPROVED' AND coalesce(${profile}.stage_name, '') <> ''`;

export interface SaleInput {
  kind: TransactionKind;
  saleKind: SaleKind;
  buyerId: string;
  /** Null for a sale by the site itself (a site plan, a site store item): all of it is revenue. */
  performerId: string | null;
  amount: bigint;
  idempotencyKey: string;
  /** What the buyer asked for; the same key with a different request is a conflict. */
  request: unknown;
  description: string;
  metadata?: Record<string, unknown>;
  /**
   * Where the credits come from, as negative legs summing to -amount. Default: the buyer's available credits.
   * A mixed store order pays from the buyer's held credits and gateway clearing (the card part).
   */
  sources?: readonly Leg[];
}

export interface SaleResult {
  transactionId: bigint;
  replayed: boolean;
  split: SaleSplit;
  /** When the performer's share becomes available; null for a site sale. */
  maturesAt: Date | null;
}

interface SaleMetadata {
  saleKind: SaleKind;
  performerId: string | null;
  amount: string;
  performerShare: string;
  platformShare: string;
  rateBps: number;
}

interface SaleRow {
  transaction_id: string;
  replayed: boolean;
  performer_share: string;
  platform_share: string;
  rate_bps: number;
  matures_at: Date | null;
}

/** ledger_sale's arguments, each as SQL: a parameter, or an expression of the statement that calls it. */
export interface LedgerSaleArgs {
  kind: string;
  saleKind: string;
  buyer: string;
  performer: string;
  amount: string;
  idempotencyKey: string;
  requestHash: string;
  description: string;
  metadata: string;
  sourceCodes: string;
  sourceAmounts: string;
  defaultHold: string;
}

/**
 * The one call a sale is (the ledger_sale function), for a statement that resolves some of its arguments itself
 * (the performer, the price and the paying account of an item it reads), so it is one round trip with them.
 */
export function ledgerSaleCall(args: LedgerSaleArgs): string {
  return `ledger_sale((${args.kind})::"TransactionKind", (${args.saleKind})::"SaleKind", (${args.buyer})::uuid, (${args.performer})::uuid,
  (${args.amount})::bigint, (${args.idempotencyKey})::text, (${args.requestHash})::text, (${args.description})::text, (${args.metadata})::jsonb,
  (${args.sourceCodes})::text[], (${args.sourceAmounts})::bigint[], (${args.defaultHold})::jsonb)`;
}

/** ledger_sale's arguments in order. */
const SALE_ARGUMENTS = ["kind", "saleKind", "buyer", "performer", "amount", "idempotencyKey", "requestHash", "description", "metadata", "sourceCodes", "sourceAmounts", "defaultHold"] as const satisfies ReadonlyArray<keyof LedgerSaleArgs>;

/**
 * Arguments a statement computes itself instead of taking them from the sale's parameters, as SQL expressions: a
 * store order's seller, price and paying account are read by the same statement that sells the item.
 */
export type SaleArgumentsInSql = Partial<LedgerSaleArgs>;

/**
 * The one call a sale is, as SQL taking the parameters `saleParams` gives, numbered from `firstParam`; the
 * arguments `inSql` names are its expressions and take no parameter.
 */
export function ledgerSaleSql(inSql: SaleArgumentsInSql = {}, firstParam = 1): string {
  let next = firstParam;
  const args = Object.fromEntries(SALE_ARGUMENTS.map((name) => [name, inSql[name] ?? `$${next++}`])) as unknown as LedgerSaleArgs;
  return ledgerSaleCall(args);
}

/** The one call a sale is, as SQL taking the parameters `saleParams` gives, from $1. */
export const LEDGER_SALE_SQL = ledgerSaleSql();

type ComputableInSql = "saleKind" | "buyerId" | "performerId" | "amount" | "idempotencyKey" | "request" | "description";
/** A sale as saleParams takes it: what its statement computes (SaleArgumentsInSql) it need not say. */
export type SaleParts = Omit<SaleInput, ComputableInSql> & Partial<Pick<SaleInput, ComputableInSql>>;

/** The parameters of ledgerSaleSql(inSql) for `sale`, in order: the arguments `inSql` computes take none. */
export function saleParams(sale: SaleParts, inSql: SaleArgumentsInSql = {}): unknown[] {
  const sources = sale.sources ?? (sale.amount === undefined || sale.buyerId === undefined ? undefined : [{ account: userAccount(sale.buyerId, "available"), amount: -sale.amount }]);
  const values: Record<keyof LedgerSaleArgs, unknown> = {
    kind: sale.kind,
    saleKind: sale.saleKind,
    buyer: sale.buyerId,
    performer: sale.performerId,
    amount: sale.amount?.toString(),
    idempotencyKey: sale.idempotencyKey,
    requestHash: sale.request === undefined ? undefined : requestHash(sale.request),
    description: sale.description,
    metadata: JSON.stringify(sale.metadata ?? {}),
    sourceCodes: sources?.map((leg) => leg.account),
    sourceAmounts: sources?.map((leg) => leg.amount.toString()),
    defaultHold: DEFAULT_HOLD,
  };
  return SALE_ARGUMENTS.filter((name) => inSql[name] === undefined).map((name) => {
    if (values[name] === undefined) throw new Error(`ledger_sale's ${name} is neither given nor computed by the statement`);
    return values[name];
  });
}

/** The earnings hold ledger_sale applies when no setting overrides it, as its p_default_hold parameter. */
export const DEFAULT_HOLD = JSON.stringify(SETTINGS.earningsHold.default);

export function saleResultFrom(row: SaleRow): SaleResult {
  return {
    transactionId: BigInt(row.transaction_id),
    replayed: row.replayed,
    split: { performer: BigInt(row.performer_share), platform: BigInt(row.platform_share), rateBps: row.rate_bps },
    maturesAt: row.matures_at,
  };
}

/**
 * Posts a sale in one round trip (ledger_sale): the rate in effect, the split (the rules of splitSale,
 * effectiveRate and holdDaysFor, checked against these by a parity test), the posting and the earnings lot. One
 * statement is atomic on its own, so a caller with nothing else to write needs no transaction around it. A
 * replay returns the first sale's split and lot unchanged.
 */
export async function postSale(db: Queryable, sale: SaleInput): Promise<SaleResult> {
  try {
    const { rows } = await db.query<SaleRow>({
      name: "ledger_sale",
      text: `SELECT transaction_id, replayed, performer_share, platform_share, rate_bps, matures_at FROM ${LEDGER_SALE_SQL}`,
      values: saleParams(sale),
    });
    const row = rows[0];
    if (!row) throw new Error("ledger_sale returned no row");
    return saleResultFrom(row);
  } catch (error) {
    return mapLedgerError(error);
  }
}

export interface SaleRefundInput {
  saleTransactionId: bigint;
  idempotencyKey: string;
  actorId: string | null;
  description: string;
  /**
   * Where the money goes back, as positive legs summing to the sale amount. Default: the buyer's available
   * credits. A mixed store order returns the card part to gateway clearing (refunded by Stripe).
   */
  destinations?: readonly Leg[];
  metadata?: Record<string, unknown>;
}

export interface SaleRefundResult {
  transactionId: bigint;
  replayed: boolean;
  fromPending: bigint;
  fromAvailable: bigint;
}

/**
 * Takes a whole sale back with a SALE_REFUND posting that points at it: the buyer is repaid; the performer's
 * share comes out of the sale's own pending lot first, then any other pending lot (soonest to mature first), and
 * only the rest from the Earnings wallet, which may go negative (and restricted) like any clawback.
 */
export async function refundSale(db: PoolClient, refund: SaleRefundInput): Promise<SaleRefundResult> {
  const { rows } = await db.query<{ actor_id: string | null; metadata: SaleMetadata }>(
    "SELECT actor_id, metadata FROM ledger_transactions WHERE id = $1",
    [refund.saleTransactionId.toString()],
  );
  const sale = rows[0];
  if (!sale?.actor_id || !sale.metadata.saleKind) throw new DomainError("NOT_FOUND", "That sale does not exist.");
  const amount = BigInt(sale.metadata.amount);
  const performerShare = BigInt(sale.metadata.performerShare);
  const platformShare = BigInt(sale.metadata.platformShare);
  const performerId = sale.metadata.performerId;

  // One refund per sale: concurrent refunds of the same sale queue here, and the later ones see the first.
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('sale-refund:' || $1, 0))", [refund.saleTransactionId.toString()]);
  const earlier = await db.query<{ id: string; idempotency_key: string; metadata: { fromPending?: string; fromAvailable?: string } }>(
    "SELECT id, idempotency_key, metadata FROM ledger_transactions WHERE reverses_id = $1 AND kind = 'SALE_REFUND'",
    [refund.saleTransactionId.toString()],
  );
  const first = earlier.rows[0];
  if (first) {
    if (first.idempotency_key !== refund.idempotencyKey) throw new DomainError("CONFLICT", "This sale was already refunded.");
    return {
      transactionId: BigInt(first.id),
      replayed: true,
      fromPending: BigInt(first.metadata.fromPending ?? "0"),
      fromAvailable: BigInt(first.metadata.fromAvailable ?? "0"),
    };
  }
  // A card dispute that took this sale's proceeds back already settled it; refunding it too would pay the buyer
  // twice and take the performer's share a second time.
  const disputed = await db.query("SELECT 1 FROM dispute_sale_reversals WHERE sale_transaction_id = $1 AND restored_at IS NULL LIMIT 1", [
    refund.saleTransactionId.toString(),
  ]);
  if (disputed.rows.length > 0) {
    throw new DomainError("CONFLICT", "This sale was already taken back by the buyer's card dispute, so it can't be refunded as well.");
  }
  const lots = performerId && performerShare > 0n
    ? await db.query<{ id: string; remaining: string }>(
        `SELECT id, remaining FROM earnings_lots
          WHERE performer_id = $1 AND remaining > 0 AND matured_at IS NULL
          ORDER BY (transaction_id = $2) DESC, matures_at, id
          FOR UPDATE`,
        [performerId, refund.saleTransactionId.toString()],
      )
    : { rows: [] };
  const plan = planEarningsClawback(lots.rows.map((lot) => ({ id: BigInt(lot.id), remaining: BigInt(lot.remaining) })), performerShare);

  const destinations = refund.destinations ?? [{ account: userAccount(sale.actor_id, "available"), amount }];
  const legs: Leg[] = [...destinations];
  if (performerId && plan.fromPending > 0n) legs.push({ account: userAccount(performerId, "pending"), amount: -plan.fromPending });
  if (performerId && plan.fromAvailable > 0n) legs.push({ account: userAccount(performerId, "earnings"), amount: -plan.fromAvailable });
  if (platformShare > 0n) legs.push({ account: systemAccount("revenue"), amount: -platformShare });

  const posted = await post(db, {
    kind: "SALE_REFUND",
    idempotencyKey: refund.idempotencyKey,
    request: { saleTransactionId: refund.saleTransactionId.toString() },
    actorId: refund.actorId,
    description: refund.description,
    reversesId: refund.saleTransactionId,
    metadata: { ...refund.metadata, saleKind: sale.metadata.saleKind, performerId, fromPending: plan.fromPending.toString(), fromAvailable: plan.fromAvailable.toString() },
    legs,
    allowOverdraft: true,
  });
  for (const taken of plan.fromLots) {
    await db.query("UPDATE earnings_lots SET remaining = remaining - $2 WHERE id = $1", [taken.id.toString(), taken.amount.toString()]);
  }
  return { transactionId: posted.transactionId, replayed: false, fromPending: plan.fromPending, fromAvailable: plan.fromAvailable };
}
