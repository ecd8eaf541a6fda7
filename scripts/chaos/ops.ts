import { pool } from "@/server/db/client";
import { env } from "@/server/env";
import { unlockContent } from "@/server/services/content";
import { approveWithdrawal, markWithdrawalPaid, requestWithdrawal } from "@/server/services/payouts";
import { startCheckout } from "@/server/services/purchases";
import { endShow, heartbeat, requestPrivateShow, respondToRequest } from "@/server/services/shows";
import { placeOrder } from "@/server/services/store";
import { sendTip } from "@/server/services/tips";
import { sendTransfer } from "@/server/services/wallet";
import type { OpKind, OpRequest } from "./journal";

/**
 * Each operation of the chaos run as the app performs it: the same service calls the tRPC procedures make, with
 * the client's idempotency key. A card payment is paid on the emulator's pay page (its test control), after which
 * Stripe's webhook, not this call, credits it.
 */

type Executor = (request: OpRequest) => Promise<Record<string, string>>;

const member = (id: string) => ({ id, role: "MEMBER" as const });
const performer = (id: string) => ({ id, role: "PERFORMER" as const });

/** The customer pays on Checkout's page; a session already paid (a retried op) is fine. */
async function payCheckoutSession(sessionId: string): Promise<void> {
  const response = await fetch(`${env.STRIPE_API_URL}/_emulator/checkout/sessions/${sessionId}/pay`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ outcome: "pay" }),
  });
  if (response.ok) return;
  const text = await response.text();
  if (text.includes("checkout_session_not_open")) return;
  throw new Error(`paying ${sessionId}: ${response.status} ${text}`);
}

async function sessionOf(table: "credit_purchases" | "store_orders", id: string): Promise<string> {
  const { rows } = await pool.query<{ session: string | null }>(`SELECT stripe_checkout_session_id AS session FROM ${table} WHERE id = $1`, [id]);
  const session = rows[0]?.session;
  if (!session) throw new Error(`${table} ${id} has no checkout session`);
  return session;
}

const SHIPPING = { name: "Chaos Buyer", line1: "1 Test Street", city: "Testville", postalCode: "12345", country: "US" };

const EXECUTORS: Record<OpKind, Executor> = {
  async tip({ actor, key, params }) {
    const tip = await sendTip(actor, { performerId: params.performerId, amount: BigInt(params.amount!), idempotencyKey: key });
    return { transactionId: tip.transactionId.toString() };
  },
  async transfer({ actor, key, params }) {
    const transfer = await sendTransfer(actor, { recipient: params.recipient!, amount: BigInt(params.amount!), idempotencyKey: key });
    return { transactionId: transfer.transactionId.toString(), transferId: transfer.transferId };
  },
  async unlock({ actor, key, params }) {
    const unlock = await unlockContent(actor, { itemId: params.itemId!, idempotencyKey: key, expectedPrice: BigInt(params.price!) });
    return { transactionId: unlock.transactionId.toString() };
  },
  async purchase({ actor, key, params }) {
    const { purchaseId } = await startCheckout({ userId: actor, packageId: params.packageId!, idempotencyKey: key });
    await payCheckoutSession(await sessionOf("credit_purchases", purchaseId));
    return { purchaseId };
  },
  async "store-order"({ actor, key, params }) {
    const order = await placeOrder(actor, {
      itemId: params.itemId!,
      quantity: 1,
      walletPart: BigInt(params.walletPart!),
      shippingAddress: SHIPPING,
      idempotencyKey: key,
    });
    if (order.status === "AWAITING_PAYMENT") await payCheckoutSession(await sessionOf("store_orders", order.orderId));
    return { orderId: order.orderId };
  },
  async withdrawal({ actor, key, params }) {
    const { withdrawal } = await requestWithdrawal(actor, { credits: BigInt(params.credits!), idempotencyKey: key });
    return { withdrawalId: withdrawal.id };
  },
  /** The admin approves a request and marks it paid (PayPal, paid by hand); `key` is the withdrawal's id. */
  async payout({ actor, key }) {
    const { withdrawal } = await approveWithdrawal(actor, { id: key });
    if (withdrawal.status === "APPROVED") await markWithdrawalPaid(actor, { id: key, reference: `chaos-${key.slice(0, 8)}` });
    return { withdrawalId: key };
  },
  async "show-request"({ actor, key, params }) {
    const view = await requestPrivateShow(member(actor), { performerId: params.performerId!, idempotencyKey: key });
    return { showId: view.showId };
  },
  async "show-accept"({ actor, key }) {
    await respondToRequest(performer(actor), { showId: key, accept: true });
    return { showId: key };
  },
  async "show-tick"({ actor, key, params }) {
    await heartbeat(member(params.memberId!), { showId: key });
    await heartbeat(performer(actor), { showId: key });
    return { showId: key };
  },
  async "show-end"({ actor, key, params }) {
    const view = await endShow(params.side === "member" ? member(actor) : performer(actor), { showId: key });
    return { showId: key, charged: view.charged.toString() };
  },
};

export function execute(request: OpRequest): Promise<Record<string, string>> {
  return EXECUTORS[request.kind](request);
}
