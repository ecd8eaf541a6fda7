import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { userAccount, walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { MAX_ORDER_QUANTITY, orderTotal, shippingAddressSchema } from "@/server/domain/store";
import { openCardOrdersRefusal, statusAfterPayment } from "@/server/domain/store-orders";
import { splitStoreOrder, walletChoiceSchema } from "@/server/domain/wallet-spending";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { env } from "@/server/env";
import type { StoreItemKind } from "@/server/generated/prisma/enums";
import { payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { findSellingPerformer, postSale } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { payingWallet } from "../wallet/spending";
import { announceOrderChange } from "./notifications";
import { lockKey, reserveStock, selectItemForSale, selectItemStock, selectUserEmail } from "./queries";
import { countAwaitingPaymentOrders, insertOrder, setCheckoutSessionIfUnset } from "./order-queries";
import { type OrderRecord, loadOrder, lockOrder, orderByKey, recordOrderEvent, releaseCardOrder, saleDescription } from "./orders";

/**
 * Buying from the store, and the card side of it.
 *
 * Wallet only: one transaction reserves the stock (`stock >= quantity` checked by the UPDATE itself), posts the
 * sale and records the order, paid (a digital one delivered).
 *
 * Wallet and card: one transaction reserves the stock, moves the wallet part to held (STORE_HOLD) and records the
 * order AWAITING_PAYMENT; then, outside it, a Stripe Checkout Session for the card part (idempotency key from the
 * order id). Stripe's webhooks finish it: paid posts the sale from held plus gateway clearing; failed or expired
 * releases the hold and the stock. Every posting's key is derived from the order, so replays change nothing.
 * Those events are handled in card-events.ts; cancelling, refunding and the overdue sweep in order-endings.ts.
 */

/** Marks a Checkout Session or PaymentIntent as a store order's, so webhooks tell it from a credit purchase. */
export const STORE_ORDER_METADATA_KIND = "store_order";

/**
 * How long a card checkout keeps the stock reserved, from when the order was placed: its session expires then at
 * Stripe, and the sweeper (`sweepOverdueOrders`) gives back what an order still waiting after it holds.
 */
export const CHECKOUT_WINDOW_SECONDS = 60 * 60;
/** Stripe wants a session's expiry at least 30 minutes after it is created; a later start can't be opened. */
const MIN_CHECKOUT_SECONDS = 31 * 60;

export const placeOrderSchema = z.object({
  itemId: z.uuid(),
  quantity: z
    .number()
    .int("Order a whole number of items.")
    .min(1, "Order at least 1.")
    .max(MAX_ORDER_QUANTITY, `Order at most ${MAX_ORDER_QUANTITY} at a time.`),
  /** Credits from the wallet; the rest is paid by card. Omitted: the whole total from the wallet. */
  walletPart: storableBigint(z.bigint().min(0n, "The wallet part cannot be negative.")).optional(),
  /** The wallet the wallet part comes from; Credits when omitted. Its share cap may leave more to the card. */
  walletTypeId: walletChoiceSchema,
  /** The total the buyer confirmed; a price changed meanwhile is refused rather than charged. */
  expectedTotal: storableBigint(z.bigint().positive()).optional(),
  shippingAddress: shippingAddressSchema.optional(),
  idempotencyKey: z.uuid(),
});
export type PlaceOrderInput = z.input<typeof placeOrderSchema>;
type PlaceOrder = z.output<typeof placeOrderSchema>;

/** How an order may be split: the most of it the wallet may pay, and what a credit costs by card. */
export function paymentTerms() {
  return getSetting(pool, "store");
}

export interface PlacedOrder {
  orderId: string;
  status: OrderRecord["status"];
  /** Where to pay the card part; null for an order paid from the wallet alone (or already settled). */
  checkoutUrl: string | null;
  replayed: boolean;
}

interface ItemForSale {
  id: string;
  kind: StoreItemKind;
  title: string;
  price: bigint;
  sellerId: string | null;
  hasFile: boolean;
}

async function itemForSale(itemId: string): Promise<ItemForSale> {
  const row = await selectItemForSale(pool, itemId);
  if (!row || !row.active) throw new DomainError("NOT_FOUND", "That item is not on sale.");
  return { id: row.id, kind: row.kind, title: row.title, price: BigInt(row.price), sellerId: row.seller_id, hasFile: row.has_file };
}

/** The same key with the same request returns the first order; with a different request it is a conflict. */
function assertSameRequest(existing: OrderRecord, input: PlaceOrder): void {
  const sameWalletPart = input.walletPart === undefined ? existing.cardPart === 0n : existing.walletPart === input.walletPart;
  const sameWallet = existing.wallet.id === (input.walletTypeId ?? CREDITS_WALLET);
  if (existing.itemId !== input.itemId || existing.quantity !== input.quantity || !sameWalletPart || !sameWallet) {
    throw new DomainError("CONFLICT", "This order was already placed with different details.");
  }
}

function soldOut(stockLeft: number | null | undefined): DomainError {
  if (!stockLeft) return new DomainError("CONFLICT", "Sold out: this item has no stock left.", { reason: "SOLD_OUT" });
  return new DomainError("CONFLICT", `Sold out: only ${stockLeft} left. Lower the quantity and try again.`, { reason: "SOLD_OUT" });
}

/**
 * A member buys an item. Checks that need no lock come first (the item, the seller, the address, the split);
 * then one transaction, serialised per idempotency key so a double submit waits and gets the first order.
 */
export async function placeOrder(buyerId: string, rawInput: PlaceOrderInput): Promise<PlacedOrder> {
  const input = placeOrderSchema.parse(rawInput);
  const existing = await orderByKey(pool, buyerId, input.idempotencyKey);
  if (existing) return resumeOrder(existing, input);

  const item = await itemForSale(input.itemId);
  if (item.sellerId === buyerId) throw new DomainError("FORBIDDEN", "You cannot buy your own item.");
  if (item.sellerId) await findSellingPerformer(pool, { performerId: item.sellerId });
  if (item.kind === "DIGITAL" && !item.hasFile) throw new DomainError("NOT_FOUND", "That item is not on sale.");
  if (item.kind === "DIGITAL" && input.quantity !== 1) {
    throw new DomainError("BAD_REQUEST", "A digital item is bought one at a time.", { fieldErrors: { quantity: ["Digital items are bought one at a time."] } });
  }
  if (item.kind === "PHYSICAL" && !input.shippingAddress) {
    throw new DomainError("BAD_REQUEST", "Enter where to ship this item.", { fieldErrors: { shippingAddress: ["Enter a shipping address."] } });
  }
  const total = orderTotal(item.price, input.quantity);
  if (input.expectedTotal !== undefined && input.expectedTotal !== total) {
    throw new DomainError("CONFLICT", `The price changed: this order now costs ${formatCredits(total)} credits. Review it and try again.`);
  }
  const terms = await getSetting(pool, "store");
  const wallet = await payingWallet(pool, input.walletTypeId, "STORE");
  const split = splitStoreOrder({
    total,
    walletPart: input.walletPart,
    wallet,
    maxWalletShareBps: terms.maxWalletShareBps,
    creditPriceMinor: terms.creditPriceMinor,
  });
  const byCard = split.cardPart > 0n;
  const orderId = randomUUID();

  const placed = await withTransaction(pool, async (db) => {
    await lockKey(db, `store-order:${buyerId}:${input.idempotencyKey}`);
    const concurrent = await orderByKey(db, buyerId, input.idempotencyKey);
    if (concurrent) return { concurrent };
    if (byCard) {
      // Serialised per buyer, so two orders placed at once can't both pass the count.
      await lockKey(db, `store-card-orders:${buyerId}`);
      const refusal = openCardOrdersRefusal(await countAwaitingPaymentOrders(db, buyerId));
      if (refusal) throw new DomainError("PRECONDITION_FAILED", refusal, { reason: "TOO_MANY_OPEN_ORDERS" });
    }

    const reservedPrice = await reserveStock(db, item.id, input.quantity);
    if (reservedPrice === null) {
      const left = await selectItemStock(db, item.id);
      if (!left?.active) throw new DomainError("NOT_FOUND", "That item is not on sale.");
      throw soldOut(left.stock);
    }
    if (reservedPrice !== item.price) {
      throw new DomainError("CONFLICT", "The price changed while you were ordering. Review it and try again.");
    }

    const description = saleDescription({ title: item.title, quantity: input.quantity });
    let saleTransactionId: bigint | null = null;
    let holdTransactionId: bigint | null = null;
    if (!byCard) {
      const sale = await postSale(db, {
        kind: "STORE_SALE",
        saleKind: "STORE",
        buyerId,
        performerId: item.sellerId,
        amount: total,
        idempotencyKey: `store-order:${orderId}:sale`,
        request: { orderId },
        description,
        metadata: { orderId, itemId: item.id, quantity: input.quantity, walletTypeId: wallet.id },
        sources: [{ account: walletAccount(buyerId, wallet), amount: -total }],
      });
      saleTransactionId = sale.transactionId;
    } else if (split.walletPart > 0n) {
      const hold = await post(db, {
        kind: "STORE_HOLD",
        idempotencyKey: `store-order:${orderId}:hold`,
        actorId: buyerId,
        description: `Held for card checkout: ${description.replace(/^Store: /, "")}`,
        metadata: { orderId, itemId: item.id, walletTypeId: wallet.id },
        legs: [
          { account: walletAccount(buyerId, wallet), amount: -split.walletPart },
          { account: userAccount(buyerId, "held"), amount: split.walletPart },
        ],
      });
      holdTransactionId = hold.transactionId;
    }

    const status = byCard ? "AWAITING_PAYMENT" : statusAfterPayment(item.kind);
    await insertOrder(db, {
      id: orderId,
      itemId: item.id,
      buyerId,
      sellerId: item.sellerId,
      quantity: input.quantity,
      unitPrice: item.price,
      total,
      walletPart: split.walletPart,
      walletTypeId: wallet.id,
      cardPart: split.cardPart,
      cardAmountMinor: split.cardAmountMinor,
      currency: byCard ? terms.currency : null,
      status,
      idempotencyKey: input.idempotencyKey,
      shippingAddress: item.kind === "PHYSICAL" ? (input.shippingAddress ?? null) : null,
      holdTransactionId,
      saleTransactionId,
    });
    await recordOrderEvent(db, orderId, status, buyerId, byCard ? "Waiting for the card payment" : "Paid from the wallet");
    await announceOrderChange(db, { orderId, event: byCard ? "held" : "paid" });
    return {};
  });

  if (placed.concurrent) return resumeOrder(placed.concurrent, input);
  const order = await loadOrder(pool, orderId);
  if (!order) throw new Error(`store order ${orderId} vanished after commit`);
  return { orderId, status: order.status, checkoutUrl: byCard ? await openCheckoutOrRelease(order) : null, replayed: false };
}

/**
 * The new order's checkout, or, when it can't be opened, the order cancelled at once: its stock and held credits
 * go back rather than stay reserved for a payment that can't be made. Should Stripe have created the session
 * after all (its answer lost), a payment of it reaches a cancelled order, and the webhook refunds it.
 */
async function openCheckoutOrRelease(order: OrderRecord): Promise<string | null> {
  try {
    return await checkoutUrlFor(order);
  } catch (error) {
    console.error(`store order ${order.id}: the card checkout could not be opened`, error);
    await withTransaction(pool, async (db) => {
      const locked = await lockOrder(db, order.id);
      if (!locked) throw new Error(`store order ${order.id} vanished`);
      await announceOrderChange(db, await releaseCardOrder(db, locked, { actor: "PAYMENT", actorId: null, note: "The card payment could not be started" }));
    });
    throw new DomainError(
      "PRECONDITION_FAILED",
      "The card payment could not be started, so the order was cancelled and nothing was charged. Try again in a moment.",
      { reason: "CHECKOUT_UNAVAILABLE" },
    );
  }
}

async function resumeOrder(existing: OrderRecord, input: PlaceOrder): Promise<PlacedOrder> {
  assertSameRequest(existing, input);
  const checkoutUrl = existing.status === "AWAITING_PAYMENT" ? await checkoutUrlFor(existing) : null;
  return { orderId: existing.id, status: existing.status, checkoutUrl, replayed: true };
}

/**
 * The Checkout Session that collects an order's card part: the stored one while it is open, else a new one
 * (the Stripe idempotency key makes a retry after a lost answer return the same session). Null once the
 * session is no longer open: the webhooks settle the order from there.
 */
async function checkoutUrlFor(order: OrderRecord): Promise<string | null> {
  if (order.stripeCheckoutSessionId) {
    const checkout = await payments().readCheckout(order.stripeCheckoutSessionId);
    return checkout.status === "open" ? checkout.url : null;
  }
  const expiresAt = Math.floor(order.createdAt.getTime() / 1000) + CHECKOUT_WINDOW_SECONDS;
  if (expiresAt - Date.now() / 1000 < MIN_CHECKOUT_SECONDS) {
    throw new DomainError("PRECONDITION_FAILED", "The time to pay this order by card has run out. Cancel it and order again.");
  }
  const session = await payments().createCheckout({
    amountMinor: order.cardAmountMinor,
    currency: order.currency ?? "usd",
    description: `${saleDescription(order).replace(/^Store: /, "")}: ${formatCredits(order.cardPart)} credits by card`,
    customerEmail: await selectUserEmail(pool, order.buyerId),
    metadata: { kind: STORE_ORDER_METADATA_KIND, store_order_id: order.id },
    expiresAt: new Date(expiresAt * 1000),
    successUrl: `${env.APP_URL}/orders/${order.id}`,
    cancelUrl: `${env.APP_URL}/orders/${order.id}`,
    idempotencyKey: `store-order:${order.id}:checkout`,
  });
  await setCheckoutSessionIfUnset(pool, order.id, session.id);
  return session.url;
}

/** The buyer goes back to paying an order's card part (after leaving the pay page): its checkout, if still open. */
export async function resumeCheckout(buyerId: string, orderId: string): Promise<{ checkoutUrl: string | null }> {
  const order = await loadOrder(pool, orderId);
  if (!order || order.buyerId !== buyerId) throw new DomainError("NOT_FOUND", "That order does not exist.");
  if (order.status !== "AWAITING_PAYMENT") throw new DomainError("PRECONDITION_FAILED", "This order is not waiting for a card payment.");
  return { checkoutUrl: await checkoutUrlFor(order) };
}
