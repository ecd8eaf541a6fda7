import "server-only";
import type { PoolClient } from "pg";
import { type DisputedSale, planDisputeLoss } from "@/server/domain/disputes";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { env } from "@/server/env";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { appLink, creditsText, renderEmail } from "../emails/template";
import { recordAudit } from "@/server/services/audit/record";
import {
  type SaleRow,
  giveBackToLot,
  insertSaleReversal,
  lockSalesAgainstRefunds,
  markReversalsRestored,
  postedWithKey,
  selectLotsForUpdate,
  selectOpenReversals,
  selectPerformerContacts,
  selectPostingEntries,
  selectPostingMetadata,
  selectSalesSince,
  takeFromLot,
} from "./queries";

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

/**
 * The sales since the purchase, each locked against a refund (refundSale takes the same per-sale lock), then read
 * again so that a refund committed meanwhile leaves its sale out; a sale made after the first read is not locked
 * and so not counted, which leaves its share with the buyer's debt rather than risking a second take.
 */
async function lockedSalesSince(db: PoolClient, buyerId: string, sinceTransactionId: bigint): Promise<SaleRow[]> {
  const candidates = await selectSalesSince(db, buyerId, sinceTransactionId);
  const ids = candidates.map((sale) => sale.id);
  if (ids.length === 0) return [];
  await lockSalesAgainstRefunds(db, ids);
  const locked = new Set(ids);
  return (await selectSalesSince(db, buyerId, sinceTransactionId)).filter((sale) => locked.has(sale.id));
}

/** The lots' pending remainders, locked so maturation and refunds wait for this dispute. */
async function lockLots(db: PoolClient, lotIds: readonly string[]): Promise<Map<string, { remaining: bigint; matured: boolean }>> {
  if (lotIds.length === 0) return new Map();
  const rows = await selectLotsForUpdate(db, lotIds);
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
    if (part.lotId !== null) await takeFromLot(db, part.lotId, part.fromPending);
    await insertSaleReversal(db, dispute.id, purchase.id, part);
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
  const entries = await selectPostingEntries(db, holdId);
  const parts = await selectOpenReversals(db, disputeId, purchase.id);
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
    // A lot that matured meanwhile moved its remainder to the Earnings wallet; its share comes back there too.
    if (lot && !lot.matured) {
      credit(userAccount(part.performer_id, "pending"), amount);
      await giveBackToLot(db, part.lot_id, amount);
    } else {
      credit(userAccount(part.performer_id, "earnings"), amount);
    }
    givenBack.set(part.performer_id, (givenBack.get(part.performer_id) ?? 0n) + amount);
  }
  const holdMetadata = await selectPostingMetadata(db, holdId);
  const released = await post(db, {
    kind: "DISPUTE_RELEASE",
    idempotencyKey: key,
    actorId: null,
    description: "Dispute won: credits restored",
    metadata: { purchaseId: purchase.id, disputeId, buyerId: purchase.userId, saleKinds: holdMetadata?.saleKinds ?? {} },
    legs: legs.filter((leg) => leg.amount !== 0n),
  });
  await markReversalsRestored(db, disputeId, purchase.id);
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
  const performers = await selectPerformerContacts(db, ids);
  return performers.flatMap((performer): OutboxMessage[] => {
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
