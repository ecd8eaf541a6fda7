import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { loadActiveSessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { userAccount, walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { FULL_SHARE_BPS } from "@/server/domain/commission";
import { CREDITS } from "@/server/domain/ledger";
import { MAX_ORDER_QUANTITY, orderTotal, shippingAddressSchema } from "@/server/domain/store";
import { openCardOrdersRefusal, statusAfterPayment } from "@/server/domain/store-orders";
import { splitStoreOrder, walletChoiceSchema } from "@/server/domain/wallet-spending";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { env } from "@/server/env";
import type { StoreItemKind } from "@/server/generated/prisma/enums";
import { payments } from "@/server/integrations/payments";
import { isLedgerError, post } from "@/server/ledger/post";
import { wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { type SaleArgumentsInSql, findSellingPerformer, ledgerSaleSql, postSale, saleParams, sellingPerformerSql } from "../sales/sales";
import { SETTINGS, getSetting } from "../settings/settings";
import { payingWallet } from "../wallet/spending";
import { announceOrderChange } from "./notifications";
import { lockKey, reserveStock, selectItemForSale, selectItemStock, selectUserEmail } from "./queries";
import { countAwaitingPaymentOrders, insertOrder, setCheckoutSessionIfUnset } from "./order-queries";
import {
  type OrderRecord,
  loadOrder,
  lockOrder,
  orderByKey,
  recordOrderEvent,
  releaseCardOrder,
  saleDescription,
  saleDescriptionSql,
  statusAfterPaymentSql,
} from "./orders";

/**
 * Buying from the store, and the card side of it.
 *
 * Wallet only: one statement (walletOrderSql) reserves the stock (`stock >= quantity` checked by the UPDATE
 * itself), posts the sale, records the order, paid (a digital one delivered), and its announcement; an order it
 * does not place goes through one transaction that does the same and words the refusal.
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
export type PlaceOrder = z.output<typeof placeOrderSchema>;

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

/** Who buys: a member, and the session version their request claims (null when the caller checked the session). */
interface Buyer {
  buyerId: string;
  sessionVersion: number | null;
}

/**
 * A member buys an item. An order paid wholly from the wallet is one statement (walletOrderSql) when it
 * qualifies; any other order, and any that statement turns away, goes through placeOrderInTransaction, which
 * words every refusal and answers a replay with the first order.
 */
export function placeOrder(buyerId: string, input: PlaceOrderInput): Promise<PlacedOrder> {
  return placeOrderAs({ buyerId, sessionVersion: null }, input);
}

/**
 * placeOrder for a session whose claim nothing has checked yet (`claimedProcedure`): the order's statement checks
 * it and posts nothing unless it holds; an order that statement does not place checks it before anything else.
 * A session that no longer counts is refused as signed out.
 */
export function placeOrderAsSession(session: { userId: string; sessionVersion: number }, input: PlaceOrderInput): Promise<PlacedOrder> {
  return placeOrderAs({ buyerId: session.userId, sessionVersion: session.sessionVersion }, input);
}

async function placeOrderAs(buyer: Buyer, rawInput: PlaceOrderInput): Promise<PlacedOrder> {
  const input = placeOrderSchema.parse(rawInput);
  // A wallet part below the confirmed total leaves some to the card: that order is not the statement's to place.
  const walletOnly = input.walletPart === undefined || input.expectedTotal === undefined || input.walletPart === input.expectedTotal;
  if (walletOnly) {
    const paid = await placeWalletOrder(buyer, input);
    if (paid) return paid;
  }
  if (buyer.sessionVersion !== null && !(await loadActiveSessionUser(buyer.buyerId, buyer.sessionVersion))) {
    throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  }
  return placeOrderInTransaction(buyer.buyerId, input);
}

/**
 * The arguments of the order's sale that its statement reads from the item it reserved: the seller (null for the
 * site's item), the total at the item's price, the description (saleDescription's words) and the buyer's account
 * of the chosen wallet, which pays all of it.
 */
const WALLET_ORDER_SALE: SaleArgumentsInSql = {
  performer: "item.seller_id",
  amount: "item.total",
  description: saleDescriptionSql("item.title", "$4::int"),
  sourceCodes: "ARRAY[item.account]",
  sourceAmounts: "ARRAY[-item.total]",
};

/** The parameters of walletOrderSql before the sale's own (saleParams), in the order the statement numbers them. */
const WALLET_ORDER_PARAMS = 10;

/** The note of a wallet order's event, in both paths. */
const PAID_FROM_WALLET = "Paid from the wallet";

/**
 * An order paid wholly from the wallet in one statement, in the common case: the buyer (and, given the version a
 * session claims, that session still current) with no order under this key yet; the chosen wallet, which may pay
 * all of a store order (its rules include the store, its share cap and the store's are whole: the rules of
 * splitStoreOrder); the item's stock taken by a guarded UPDATE (active, enough left, at the total the buyer
 * confirmed, a digital item one at a time with its file, a physical one with an address, sold by the site or an
 * approved active performer who is not the buyer); the sale (ledger_sale); the order, paid (delivered when
 * digital, as statusAfterPayment says), its event, and one outbox message naming it, from which the relay renders
 * the order's announcements (orderPaidAnnouncements). No row when anything does not qualify: nothing is posted.
 * A concurrent order under the same key fails the statement on the orders' unique key, and the whole of it rolls
 * back. The relay is woken as a tip's statement wakes it (wakeRelayWhenIdleSql).
 */
const walletOrderSql = `
WITH buyer AS MATERIALIZED (
  SELECT u.id FROM users u
   WHERE u.id = $2::uuid AND ($10::int IS NULL OR (u.status = 'ACTIVE' AND u.session_version = $10::int))
     AND NOT EXISTS (SELECT 1 FROM store_orders o WHERE o.buyer_id = $2::uuid AND o.idempotency_key = $5::text)
), wallet AS MATERIALIZED (
  SELECT w.id, 'user:' || b.id || ':' || w.account_kind || ':' || w.currency AS account
    FROM buyer b JOIN wallet_types w ON w.id = $6::text
   WHERE w.active AND w.currency = '${CREDITS}' AND 'STORE' = ANY (w.pays_for) AND w.store_share_cap_bps = ${FULL_SHARE_BPS}
     AND coalesce((SELECT (s.value ->> 'maxWalletShareBps')::int FROM platform_settings s WHERE s.key = 'store'),
                  ${SETTINGS.store.default.maxWalletShareBps}) = ${FULL_SHARE_BPS}
), item AS MATERIALIZED (
  UPDATE store_items i SET stock = i.stock - $4::int, updated_at = now()
    FROM wallet w
   WHERE i.id = $3::uuid AND i.active AND (i.stock IS NULL OR i.stock >= $4::int)
     AND ($7::bigint IS NULL OR i.price * $4::int = $7::bigint) AND ($8::bigint IS NULL OR i.price * $4::int = $8::bigint)
     AND CASE i.kind WHEN 'DIGITAL' THEN i.storage_key IS NOT NULL AND $4::int = 1 ELSE $9::jsonb IS NOT NULL END
     AND (i.seller_id IS NULL OR EXISTS (
       SELECT 1 FROM users s JOIN performer_profiles p ON p.user_id = s.id
        WHERE s.id = i.seller_id AND s.id <> $2::uuid AND ${sellingPerformerSql("s", "p")}))
  RETURNING i.id, i.kind, i.title, i.price, i.price * $4::int AS total, i.seller_id, w.id AS wallet_type_id, w.account
), sale AS MATERIALIZED (
  SELECT item.*, s.transaction_id
    FROM item CROSS JOIN LATERAL ${ledgerSaleSql(WALLET_ORDER_SALE, WALLET_ORDER_PARAMS + 1)} s
), placed AS (
  INSERT INTO store_orders (id, item_id, buyer_id, seller_id, quantity, unit_price, total, wallet_part, card_part, card_amount_minor,
                            currency, status, idempotency_key, shipping_address, sale_transaction_id, wallet_type_id, updated_at)
  SELECT $1::uuid, s.id, $2::uuid, s.seller_id, $4::int, s.price, s.total, s.total, 0, 0, NULL,
         ${statusAfterPaymentSql("s.kind")}, $5::text,
         CASE s.kind WHEN 'PHYSICAL' THEN $9::jsonb END, s.transaction_id, s.wallet_type_id, now()
    FROM sale s
  RETURNING id, status
), recorded AS (
  INSERT INTO store_order_events (order_id, status, actor_id, note)
  SELECT id, status, $2::uuid, '${PAID_FROM_WALLET}' FROM placed
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'store-order:' || id || ':paid', 'store-order-paid', jsonb_build_object('orderId', id) FROM placed
)
SELECT p.status,
       ${wakeRelayWhenIdleSql("true")} AS woke_relay
  FROM placed p`;

/**
 * The order placed by walletOrderSql, or null when that statement placed none: nothing qualified, another order
 * took the key first (its unique violation), or the ledger refused (no credits enough, a restricted wallet). The
 * transactional path then answers, as it would have: the refusal in words, or the first order for a replay.
 */
async function placeWalletOrder(buyer: Buyer, input: PlaceOrder): Promise<PlacedOrder | null> {
  const orderId = randomUUID();
  const walletTypeId = input.walletTypeId ?? CREDITS_WALLET;
  const sale = saleParams(
    {
      kind: "STORE_SALE",
      saleKind: "STORE",
      buyerId: buyer.buyerId,
      idempotencyKey: `store-order:${orderId}:sale`,
      request: { orderId },
      metadata: { orderId, itemId: input.itemId, quantity: input.quantity, walletTypeId },
    },
    WALLET_ORDER_SALE,
  );
  const placed = await pool
    .query<{ status: OrderRecord["status"] }>({
      name: "place_wallet_order",
      text: walletOrderSql,
      values: [
        orderId,
        buyer.buyerId,
        input.itemId,
        input.quantity,
        input.idempotencyKey,
        walletTypeId,
        input.expectedTotal?.toString() ?? null,
        input.walletPart?.toString() ?? null,
        input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
        buyer.sessionVersion,
        ...sale,
      ],
    })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION || isLedgerError(error)) return null;
      throw error;
    });
  const status = placed?.rows[0]?.status;
  return status ? { orderId, status, checkoutUrl: null, replayed: false } : null;
}

const UNIQUE_VIOLATION = "23505";

/**
 * An order in one transaction, serialised per idempotency key so a double submit waits and gets the first order.
 * Checks that need no lock come first (the item, the seller, the address, the split). Exported for the parity
 * test, which holds walletOrderSql to it.
 */
export async function placeOrderInTransaction(buyerId: string, input: PlaceOrder): Promise<PlacedOrder> {
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
    await recordOrderEvent(db, orderId, status, buyerId, byCard ? "Waiting for the card payment" : PAID_FROM_WALLET);
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
