import "server-only";
import type { PoolClient } from "pg";
import { type DisputedSale, planDisputeLoss } from "@/server/domain/disputes";
import { type Leg, CREDITS, systemAccount, userAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { env } from "@/server/env";
import type { SaleKind } from "@/server/generated/prisma/enums";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { appLink, creditsText, renderEmail } from "../emails/template";
import { recordAudit } from "@/server/services/audit/record";

/**
 * A disputed credit purchase, as server/domain/disputes.ts says who bears it: one DISPUTE_HOLD posting per
 * dispute takes the disputed credits from the buyer's wallet, from the pending earnings of the performers the
 * buyer paid with them, and from revenue for what the platform bears; a won dispute gives each back in one
 * DISPUTE_RELEASE posting. Both are keyed by the dispute id and run inside the webhook's transaction, with the
 * purchase row locked; the sales' parts are recorded in dispute_sale_reversals, an audit row says what was
 * decided, and each performer hears about it by email through the outbox.
 */

export interface DisputedPurchase {
  id: string;
  userId: string;
  creditedTransactionId: bigint;
}

const holdKey = (purchaseId: string, disputeId: string) => `purchase:${purchaseId}:dispute:${disputeId}:hold`;
const releaseKey = (purchaseId: string, disputeId: string) => `purchase:${purchaseId}:dispute:${disputeId}:release`;

async function postedWithKey(db: PoolClient, key: string): Promise<bigint | null> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM ledger_transactions WHERE idempotency_key = $1", [key]);
  return rows[0] ? BigInt(rows[0].id) : null;
}

interface SaleRow {
  id: string;
  sale_kind: SaleKind;
  performer_id: string | null;
  amount: string;
  performer_share: string;
  from_wallet: string;
  taken_before: string;
  lot_id: string | null;
}

/**
 * The buyer's sales since the purchase was credited, oldest first, with the part of each paid from their wallet
 * (available or held credits) and the part earlier disputes already took; refunded sales are left out.
 */
async function salesSince(db: PoolClient, buyerId: string, sinceTransactionId: bigint): Promise<SaleRow[]> {
  const { rows } = await db.query<SaleRow>(
    `SELECT t.id, t.metadata->>'saleKind' AS sale_kind, t.metadata->>'performerId' AS performer_id,
            t.metadata->>'amount' AS amount, t.metadata->>'performerShare' AS performer_share,
            -sum(e.amount) AS from_wallet,
            (SELECT coalesce(sum(r.taken), 0) FROM dispute_sale_reversals r WHERE r.sale_transaction_id = t.id AND r.restored_at IS NULL) AS taken_before,
            (SELECT l.id FROM earnings_lots l WHERE l.transaction_id = t.id) AS lot_id
       FROM ledger_accounts a
       JOIN ledger_entries e ON e.account_id = a.id AND e.amount < 0 AND e.transaction_id > $2
       JOIN ledger_transactions t ON t.id = e.transaction_id
      WHERE a.owner_id = $1 AND a.type IN ('AVAILABLE', 'HELD') AND a.currency = $3 AND t.metadata ? 'saleKind'
        AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses_id = t.id AND r.kind = 'SALE_REFUND')
      GROUP BY t.id
      ORDER BY t.id`,
    [buyerId, sinceTransactionId.toString(), CREDITS],
  );
  return rows;
}

/**
 * The sales since the purchase, each locked against a refund (refundSale takes the same per-sale lock), then read
 * again so that a refund committed meanwhile leaves its sale out; a sale made after the first read is not locked
 * and so not counted, which leaves its share with the buyer's debt rather than risking a second take.
 */
async function lockedSalesSince(db: PoolClient, buyerId: string, sinceTransactionId: bigint): Promise<SaleRow[]> {
  const candidates = await salesSince(db, buyerId, sinceTransactionId);
  const ids = candidates.map((sale) => sale.id);
  if (ids.length === 0) return [];
  await db.query(
    "SELECT pg_advisory_xact_lock(hashtextextended('sale-refund:' || id, 0)) FROM unnest($1::bigint[]) AS id ORDER BY id",
    [ids],
  );
  const locked = new Set(ids);
  return (await salesSince(db, buyerId, sinceTransactionId)).filter((sale) => locked.has(sale.id));
}

/** The lots' pending remainders, locked so maturation and refunds wait for this dispute. */
async function lockLots(db: PoolClient, lotIds: readonly string[]): Promise<Map<string, { remaining: bigint; matured: boolean }>> {
  if (lotIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; remaining: string; matured_at: Date | null }>(
    "SELECT id, remaining, matured_at FROM earnings_lots WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
    [lotIds],
  );
  return new Map(rows.map((row) => [row.id, { remaining: BigInt(row.remaining), matured: row.matured_at !== null }]));
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** Takes a disputed purchase's credits back as the rule says, once per dispute. */
export async function takeBackDisputed(db: PoolClient, purchase: DisputedPurchase, dispute: { id: string; credits: bigint }): Promise<void> {
  const key = holdKey(purchase.id, dispute.id);
  if (dispute.credits === 0n || (await postedWithKey(db, key)) !== null) return;
  const sales = await lockedSalesSince(db, purchase.userId, purchase.creditedTransactionId);
  const lots = await lockLots(db, sales.flatMap((sale) => (sale.lot_id ? [sale.lot_id] : [])));
  const disputedSales: DisputedSale[] = sales.map((sale) => {
    const lot = sale.lot_id ? lots.get(sale.lot_id) : undefined;
    return {
      saleId: BigInt(sale.id),
      performerId: sale.performer_id,
      amount: BigInt(sale.amount),
      performerShare: BigInt(sale.performer_share),
      takeable: min(BigInt(sale.from_wallet), BigInt(sale.amount)) - BigInt(sale.taken_before),
      lot: sale.lot_id && lot ? { id: BigInt(sale.lot_id), remaining: lot.remaining } : null,
    };
  });
  const { available } = await walletBalances(db, purchase.userId);
  const plan = planDisputeLoss({ disputedCredits: dispute.credits, buyerAvailable: available, sales: disputedSales });

  const saleKinds = Object.fromEntries(
    plan.sales.flatMap((part) => {
      const sale = sales.find((row) => row.id === part.saleId.toString());
      return part.performerId && part.fromPending > 0n && sale ? [[part.performerId, sale.sale_kind]] : [];
    }),
  );
  const fromBuyer = plan.fromBuyer + plan.buyerDebt;
  const platform = plan.platformCommission + plan.platformMatured;
  const legs: Leg[] = [{ account: systemAccount("gateway_clearing"), amount: dispute.credits }];
  if (fromBuyer > 0n) legs.push({ account: userAccount(purchase.userId, "available"), amount: -fromBuyer });
  for (const [performerId, amount] of plan.fromPerformers) legs.push({ account: userAccount(performerId, "pending"), amount: -amount });
  if (platform > 0n) legs.push({ account: systemAccount("revenue"), amount: -platform });
  const summary = {
    fromBuyer: plan.fromBuyer.toString(),
    buyerDebt: plan.buyerDebt.toString(),
    fromPerformers: Object.fromEntries([...plan.fromPerformers].map(([id, amount]) => [id, amount.toString()])),
    platformCommission: plan.platformCommission.toString(),
    platformMatured: plan.platformMatured.toString(),
  };
  const held = await post(db, {
    kind: "DISPUTE_HOLD",
    idempotencyKey: key,
    actorId: null,
    description: "Card payment disputed",
    metadata: { purchaseId: purchase.id, disputeId: dispute.id, buyerId: purchase.userId, saleKinds, ...summary },
    legs,
    allowOverdraft: true,
  });

  for (const part of plan.sales) {
    if (part.lotId !== null) {
      await db.query("UPDATE earnings_lots SET remaining = remaining - $2 WHERE id = $1", [part.lotId.toString(), part.fromPending.toString()]);
    }
    await db.query(
      `INSERT INTO dispute_sale_reversals (dispute_id, purchase_id, sale_transaction_id, performer_id, lot_id, taken, from_pending,
                                           platform_commission, platform_matured)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        dispute.id,
        purchase.id,
        part.saleId.toString(),
        part.performerId,
        part.lotId?.toString() ?? null,
        part.taken.toString(),
        part.fromPending.toString(),
        part.platformCommission.toString(),
        part.platformMatured.toString(),
      ],
    );
  }
  await recordAudit(db, {
    actorId: null,
    action: "purchase.dispute_taken_back",
    target: { type: "credit_purchase", id: purchase.id },
    details: { disputeId: dispute.id, transactionId: held.transactionId, disputedCredits: dispute.credits, ...summary },
  });
  await enqueue(db, await performerNotices(db, dispute.id, plan.fromPerformers, "taken"));
}

/** A won dispute gives back what its hold took: pending earnings to lots still in the hold, available otherwise. */
export async function restoreWonDispute(db: PoolClient, purchase: DisputedPurchase, disputeId: string): Promise<void> {
  const key = releaseKey(purchase.id, disputeId);
  const holdId = await postedWithKey(db, holdKey(purchase.id, disputeId));
  if (holdId === null || (await postedWithKey(db, key)) !== null) return;
  const { rows: entries } = await db.query<{ code: string; type: string; amount: string }>(
    `SELECT a.code, a.type, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1`,
    [holdId.toString()],
  );
  const { rows: parts } = await db.query<{ id: string; performer_id: string | null; lot_id: string | null; from_pending: string }>(
    "SELECT id, performer_id, lot_id, from_pending FROM dispute_sale_reversals WHERE dispute_id = $1 AND purchase_id = $2 AND restored_at IS NULL ORDER BY id",
    [disputeId, purchase.id],
  );
  const lots = await lockLots(db, parts.flatMap((part) => (part.lot_id ? [part.lot_id] : [])));

  const legs: Leg[] = entries.filter((entry) => entry.type !== "PENDING").map((entry) => ({ account: entry.code, amount: -BigInt(entry.amount) }));
  const givenBack = new Map<string, bigint>();
  const credit = (account: string, amount: bigint) => {
    const leg = legs.find((candidate) => candidate.account === account);
    if (leg) leg.amount += amount;
    else legs.push({ account, amount });
  };
  for (const part of parts) {
    const amount = BigInt(part.from_pending);
    if (!part.performer_id || !part.lot_id || amount === 0n) continue;
    const lot = lots.get(part.lot_id);
    // A lot that matured meanwhile moved its remainder to available; its share comes back there too.
    if (lot && !lot.matured) {
      credit(userAccount(part.performer_id, "pending"), amount);
      await db.query("UPDATE earnings_lots SET remaining = remaining + $2 WHERE id = $1", [part.lot_id, amount.toString()]);
    } else {
      credit(userAccount(part.performer_id, "available"), amount);
    }
    givenBack.set(part.performer_id, (givenBack.get(part.performer_id) ?? 0n) + amount);
  }
  const hold = await db.query<{ metadata: Record<string, unknown> }>("SELECT metadata FROM ledger_transactions WHERE id = $1", [holdId.toString()]);
  const released = await post(db, {
    kind: "DISPUTE_RELEASE",
    idempotencyKey: key,
    actorId: null,
    description: "Dispute won: credits restored",
    metadata: { purchaseId: purchase.id, disputeId, buyerId: purchase.userId, saleKinds: hold.rows[0]?.metadata.saleKinds ?? {} },
    legs: legs.filter((leg) => leg.amount !== 0n),
  });
  await db.query("UPDATE dispute_sale_reversals SET restored_at = now() WHERE dispute_id = $1 AND purchase_id = $2 AND restored_at IS NULL", [
    disputeId,
    purchase.id,
  ]);
  await recordAudit(db, {
    actorId: null,
    action: "purchase.dispute_restored",
    target: { type: "credit_purchase", id: purchase.id },
    details: { disputeId, transactionId: released.transactionId },
  });
  await enqueue(db, await performerNotices(db, disputeId, givenBack, "restored"));
}

async function performerNotices(db: PoolClient, disputeId: string, amounts: ReadonlyMap<string, bigint>, what: "taken" | "restored"): Promise<OutboxMessage[]> {
  const ids = [...amounts.keys()];
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string; email: string; display_name: string }>("SELECT id, email, display_name FROM users WHERE id = ANY($1::uuid[])", [ids]);
  return rows.flatMap((performer): OutboxMessage[] => {
    const amount = amounts.get(performer.id) ?? 0n;
    const email = renderEmail({
      to: performer.email,
      subject: what === "taken" ? `A buyer's card payment was disputed: ${formatCredits(amount)} credits pending taken back` : `Dispute won: ${formatCredits(amount)} credits given back`,
      paragraphs: [
        `Hi ${performer.display_name},`,
        what === "taken"
          ? `A member disputed the card payment for credits they then spent with you, and their bank took the money back. ` +
            `${creditsText(amount)} of your earnings from those sales, still in the hold, were taken back. ` +
            "Earnings that had already become available are not affected: Tipmeter bears those."
          : `The card dispute was decided in our favour: the ${creditsText(amount)} taken back from your earnings are yours again.`,
      ],
      link: appLink(env.APP_URL, "See your earnings", "/performer/earnings"),
    });
    return [
      { key: `dispute:${disputeId}:${what}:${performer.id}:email`, kind: "email", email },
      { key: `dispute:${disputeId}:${what}:${performer.id}:wallet`, kind: "wallet-update", userId: performer.id },
    ];
  });
}
