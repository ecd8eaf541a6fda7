import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type CardState, assertTransition, orderActorsFor, overdueOrderAction } from "@/server/domain/store-orders";
import type { Role } from "@/server/generated/prisma/enums";
import { PaymentGatewayError, payments } from "@/server/integrations/payments";
import { cardOutcome } from "./card-events";
import { CHECKOUT_WINDOW_SECONDS, STORE_ORDER_METADATA_KIND } from "./checkout";
import { announceOrderChange } from "./notifications";
import { overdueOrderIds } from "./order-queries";
import { type OrderView, orderFor } from "./order-views";
import { type OrderRecord, completeCardOrder, loadOrder, lockOrder, refundPaidOrder, releaseCardOrder } from "./orders";

/** How an order ends other than by delivery: the buyer cancels, the seller refunds, the sweeper gives up on an unpaid card. */

/**
 * The buyer gives up on an order still waiting for its card payment: the checkout is expired at Stripe first, so
 * it can no longer be paid, then the hold and the stock are released. A payment already made or under way is
 * left to its webhook.
 */
export async function cancelOrder(buyer: { id: string; role: Role }, orderId: string): Promise<OrderView> {
  const order = await loadOrder(pool, orderId);
  if (!order || order.buyerId !== buyer.id) throw new DomainError("NOT_FOUND", "That order does not exist.");
  assertTransition(order.status, "CANCELLED", order.kind, ["BUYER"]);
  if (order.stripeCheckoutSessionId) {
    const outcome = cardOutcome(await payments().closeCheckout(order.stripeCheckoutSessionId));
    if (outcome === "paid") throw new DomainError("PRECONDITION_FAILED", "Your card payment already went through, so this order can't be cancelled.");
    if (outcome === "pending") throw new DomainError("PRECONDITION_FAILED", "Your card payment is being processed; if it fails, the order is cancelled by itself.");
  }
  await withTransaction(pool, async (db) => {
    const locked = await lockOrder(db, orderId);
    if (!locked) throw new DomainError("NOT_FOUND", "That order does not exist.");
    await announceOrderChange(db, await releaseCardOrder(db, locked, { actor: "BUYER", actorId: buyer.id, note: "Cancelled by the buyer" }));
  });
  return orderFor(buyer, orderId);
}

export const refundOrderSchema = z.object({
  orderId: z.uuid(),
  reason: z.string().trim().max(500, "A reason is at most 500 characters.").optional(),
});
export type RefundOrderInput = z.input<typeof refundOrderSchema>;

/**
 * The seller (or an admin) refunds a paid order in full: the card part first, at Stripe (its idempotency key
 * makes a retry refund once), then the ledger in one transaction: the sale refunded, the stock restored.
 */
export async function refundOrder(actor: { id: string; role: Role }, rawInput: RefundOrderInput): Promise<OrderView> {
  const { orderId, reason } = refundOrderSchema.parse(rawInput);
  const order = await loadOrder(pool, orderId);
  const actors = order ? orderActorsFor(actor, order) : [];
  if (!order || actors.length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
  assertTransition(order.status, "REFUNDED", order.kind, actors);
  if (order.cardPart > 0n) await refundCardPart(order);

  await withTransaction(pool, async (db) => {
    const locked = await lockOrder(db, orderId);
    if (!locked) throw new DomainError("NOT_FOUND", "That order does not exist.");
    await announceOrderChange(db, await refundPaidOrder(db, locked, { actors, actorId: actor.id, note: reason || null }));
  });
  return orderFor(actor, orderId);
}

async function refundCardPart(order: OrderRecord): Promise<void> {
  if (!order.stripePaymentIntentId) throw new Error(`store order ${order.id} has a card part but no payment intent`);
  try {
    await payments().refund({
      paymentId: order.stripePaymentIntentId,
      amountMinor: order.cardAmountMinor,
      metadata: { kind: STORE_ORDER_METADATA_KIND, store_order_id: order.id },
      idempotencyKey: `store-order:${order.id}:refund`,
    });
  } catch (error) {
    if (error instanceof PaymentGatewayError && error.kind === "refused") {
      console.error(`store order ${order.id}: card refund refused`, error.message);
      throw new DomainError("PRECONDITION_FAILED", "The card payment of this order could not be refunded, so nothing was refunded. Contact support.");
    }
    throw error;
  }
}

/** Orders the sweeper settles per run; the rest wait for the next one. */
const SWEEP_BATCH = 100;

/**
 * The store's sweeper (a worker job): orders still waiting for their card after the checkout's lifetime. Each
 * one's session is expired at Stripe first, so it can't be paid any more, then read back: paid meanwhile, the
 * order completes (the payment wins, and its webhook later finds it settled); still processing, it is left to its
 * webhook; otherwise its stock and held credits go back. Each settlement locks the order and changes only one
 * still waiting, so sweeps, webhooks and cancellations racing on it settle it once. Returns how many overdue
 * orders the sweep ended, itself or through the webhook its expiry set off (which may settle the order first).
 */
export async function sweepOverdueOrders(): Promise<number> {
  const overdue = await overdueOrderIds(pool, CHECKOUT_WINDOW_SECONDS, SWEEP_BATCH);
  let settled = 0;
  for (const id of overdue) {
    try {
      if (await settleOverdueOrder(id)) settled += 1;
    } catch (error) {
      console.error(`store order ${id}: the sweeper could not settle it`, error);
    }
  }
  return settled;
}

async function settleOverdueOrder(orderId: string): Promise<boolean> {
  const order = await loadOrder(pool, orderId);
  if (!order || order.status !== "AWAITING_PAYMENT") return false;
  const checkout = order.stripeCheckoutSessionId ? await payments().closeCheckout(order.stripeCheckoutSessionId) : null;
  const card: CardState = checkout ? cardOutcome(checkout) : "no-session";
  const action = overdueOrderAction(card);
  if (action === "wait") return false;
  return withTransaction(pool, async (db) => {
    const locked = await lockOrder(db, orderId);
    if (!locked) return false;
    // The order was waiting when the sweep began. Settled since: most often by the webhook of the expiry just made.
    if (locked.status !== "AWAITING_PAYMENT") return true;
    const change =
      action === "complete"
        ? await completeCardOrder(db, locked, checkout?.paymentId ?? null)
        : await releaseCardOrder(db, locked, { actor: "PAYMENT", actorId: null, note: "The time to pay by card ran out" });
    await announceOrderChange(db, change);
    return change !== null;
  });
}

