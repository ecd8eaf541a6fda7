import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { systemAccount } from "@/server/domain/ledger";
import type { EventSubject, GatewayEvent } from "@/server/integrations/payments";
import { enqueue, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import {
  PAID_CHECKOUT_PARAMS,
  type PaidCheckout,
  paidCheckoutMatchesSql,
  paidCheckoutOf,
  paidCheckoutParams,
  recordEventSql,
  settleInOneStatement,
} from "../purchases/paid-checkout";
import { paymentMatches } from "../purchases/payment-subjects";
import { insertStripeEvent } from "../purchases/queries";
import type { WebhookOutcome } from "../purchases/webhooks";
import { type SaleArgumentsInSql, ledgerSaleSql, saleParams, sellingPerformerSql } from "../sales/sales";
import { cardOutcome } from "../store/card-events";
import { announceRequestChange } from "./notices";
import { PAYMENT_REQUEST_METADATA_KIND, REQUEST_SALE, completePayment } from "./paying";
import { type PaymentRequestRow, lockRequest, markClosed, markLateRefund, setCheckoutSessionIfUnset } from "./queries";
import { statusNow } from "./requests";

/**
 * Stripe's events about a payment request's Checkout. A paid checkout of a request still pending, matching what was
 * stored, is one statement (paidCheckoutSql); anything else goes through settleRequestInTransaction.
 */
export async function handlePaymentRequestEvent(event: GatewayEvent, requestId: string, subject: EventSubject): Promise<WebhookOutcome> {
  const paid = subject.kind === "checkout" ? paidCheckoutOf(event, subject.checkout) : null;
  if (paid && (await settlePaidCheckout(requestId, paid))) return "processed";
  return settleRequestInTransaction(event, requestId, subject);
}

/**
 * The arguments of the card payment's sale that its statement reads from the request it locked: REQUEST_SALE's,
 * the member, the metadata completePayment is given for a card (the payment $7, the gateway $8, the checkout $2,
 * the stored card amount and currency), and gateway clearing, which pays all of it.
 */
const CARD_PAYMENT_SALE: SaleArgumentsInSql = {
  ...REQUEST_SALE,
  buyer: "request.member_id",
  metadata: `jsonb_build_object('paymentRequestId', request.id, 'requestType', request.type, 'cardPaymentId', $7::text, 'gateway', $8::text,
                                'checkoutSessionId', $2::text, 'cardAmountMinor', request.card_amount_minor::text, 'currency', request.currency)`,
  sourceCodes: `ARRAY['${systemAccount("gateway_clearing")}']`,
  sourceAmounts: "ARRAY[-request.amount]",
};

/** The parameters of paidCheckoutSql before the sale's own: paidCheckoutParams', then the gateway. */
const CARD_PAYMENT_PARAMS = PAID_CHECKOUT_PARAMS + 1;

/**
 * A paid checkout settled in one statement, in the common case: the request still pending and not past its expiry
 * by the database's clock, with no card payment recorded yet, whose stored session, amount and currency are the
 * checkout's (paidCheckoutMatchesSql), from an approved active performer (findSellingPerformer's), locked as the
 * transaction locks it (a concurrent event or wallet payment waits, then finds it paid); the event recorded (one
 * recorded already stops it here); the sale (ledger_sale) under the request's key; the request marked paid with
 * the card payment (markPaid's guard); one outbox message naming it, from which the relay renders what
 * announceRequestChange writes for a payment (paidRequestAnnouncements). No row when anything does not qualify:
 * nothing is written. The relay is woken as a tip's statement wakes it (wakeRelayWhenIdleSql).
 */
const paidCheckoutSql = `
WITH request AS MATERIALIZED (
  SELECT r.id, r.member_id, r.performer_id, r.type, r.description, r.amount, r.card_amount_minor, r.currency, p.stage_name
    FROM payment_requests r
    JOIN users pu ON pu.id = r.performer_id
    JOIN performer_profiles p ON p.user_id = r.performer_id
   WHERE r.id = $1::uuid AND r.status = 'PENDING' AND r.expires_at > now() AND r.stripe_payment_intent_id IS NULL
     AND ${paidCheckoutMatchesSql("r", { session: "stripe_checkout_session_id", amount: "card_amount_minor", currency: "currency" })}
     AND ${sellingPerformerSql("pu", "p")}
     FOR UPDATE OF r
), recorded AS MATERIALIZED (
  ${recordEventSql("request")}
), sale AS MATERIALIZED (
  SELECT request.id, s.transaction_id
    FROM request CROSS JOIN recorded CROSS JOIN LATERAL ${ledgerSaleSql(CARD_PAYMENT_SALE, CARD_PAYMENT_PARAMS + 1)} s
), paid AS (
  UPDATE payment_requests r
     SET status = 'PAID', closed_at = now(), sale_transaction_id = s.transaction_id, paid_wallet_type_id = NULL, stripe_payment_intent_id = $7::text
    FROM sale s
   WHERE r.id = s.id AND r.status = 'PENDING' AND r.expires_at > now()
  RETURNING r.id
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'payment-request:' || id || ':paid', 'payment-request-paid', jsonb_build_object('requestId', id) FROM paid
)
SELECT paid.id, ${wakeRelayWhenIdleSql("true")} AS woke_relay
  FROM paid`;

/** True when paidCheckoutSql paid the request; false sends the event to the transaction. */
async function settlePaidCheckout(requestId: string, paid: PaidCheckout): Promise<boolean> {
  const paymentIntentId = paid.checkout.paymentId;
  const sale = saleParams(
    {
      kind: "PAYMENT_REQUEST",
      idempotencyKey: `payment-request:${requestId}:sale`,
      request: { paymentRequestId: requestId, via: `card:${paymentIntentId}` },
    },
    CARD_PAYMENT_SALE,
  );
  const row = await settleInOneStatement({
    name: "settle_payment_request_paid_checkout",
    text: paidCheckoutSql,
    values: [...paidCheckoutParams(requestId, paid), paid.event.gateway, ...sale],
  });
  return row !== null;
}

/**
 * A payment request's Checkout event settled in one transaction (exported for the parity test, which holds
 * paidCheckoutSql to it): the event id recorded, the request locked and compared with the re-read checkout
 * (another session, amount or currency is refused and shown to admins). A paid checkout pays a request still pending and not past its expiry, posting the sale from gateway
 * clearing with the card payment named (contract: `cardPaymentId`, `gateway`); one that reaches a request already
 * paid (from a wallet), declined or expired is refunded in full through the outbox. Keys come from the request and
 * the payment, so replays and any delivery order end the same. Refunds and disputes of a paid request's charge are
 * recorded and change nothing here.
 */
export async function settleRequestInTransaction(event: GatewayEvent, requestId: string, subject: EventSubject): Promise<WebhookOutcome> {
  if (subject.kind !== "checkout") return recordOnly(event);
  const checkout = subject.checkout;
  const outcome = cardOutcome(checkout);
  return withTransaction(pool, async (db) => {
    // The request is locked before the event is recorded, in the order paidCheckoutSql takes them, so the two never
    // wait for each other on one event: the second waits for the request, then finds the event recorded.
    const row = await lockRequest(db, requestId);
    if (!(await insertStripeEvent(db, event.id, event.type))) return "duplicate" as const;
    if (!row) return "ignored" as const;
    const stored = {
      checkoutSessionId: row.stripe_checkout_session_id,
      amountMinor: BigInt(row.card_amount_minor ?? "0"),
      currency: row.currency ?? "",
    };
    if (!(await paymentMatches(db, event, { type: "payment_request", id: row.id }, stored, subject))) return "mismatch" as const;
    // The answer that created the checkout may have been lost before its id was stored; the metadata vouches for it.
    if (row.stripe_checkout_session_id === null) await setCheckoutSessionIfUnset(db, row.id, checkout.id);
    if (outcome !== "paid") return "processed" as const;
    const paymentIntentId = checkout.paymentId;
    if (!paymentIntentId) throw new Error(`payment request ${row.id}: a paid checkout without a payment`);
    if (row.stripe_payment_intent_id === paymentIntentId) return "processed" as const;
    if (statusNow(row) === "PENDING") {
      await completePayment(db, row, {
        via: `card:${paymentIntentId}`,
        sources: [{ account: systemAccount("gateway_clearing"), amount: -BigInt(row.amount) }],
        walletTypeId: null,
        paymentIntentId,
        metadata: { cardPaymentId: paymentIntentId, gateway: event.gateway, checkoutSessionId: checkout.id, cardAmountMinor: stored.amountMinor.toString(), currency: stored.currency },
      });
    } else {
      await refundLatePayment(db, row, paymentIntentId, stored.amountMinor);
    }
    return "processed" as const;
  });
}

async function recordOnly(event: GatewayEvent): Promise<WebhookOutcome> {
  const recorded = await insertStripeEvent(pool, event.id, event.type);
  return recorded ? "processed" : "duplicate";
}

/**
 * A card payment that completed after the request was paid from a wallet, declined or expired: it pays for nothing,
 * so it is refunded in full, exactly once (the outbox message and the Stripe refund share the key
 * `payment-request:<id>:late-refund:<payment>`). A pending request past its expiry is marked expired on the way.
 */
async function refundLatePayment(db: PoolClient, row: PaymentRequestRow, paymentIntentId: string, amountMinor: bigint): Promise<void> {
  if (row.status === "PENDING" && (await markClosed(db, row.id, "EXPIRED"))) await announceRequestChange(db, row.id, "expired");
  await markLateRefund(db, row.id, paymentIntentId);
  const key = `payment-request:${row.id}:late-refund:${paymentIntentId}`;
  await enqueue(db, [
    {
      key,
      kind: "card-refund",
      paymentIntentId,
      amountMinor: amountMinor.toString(),
      idempotencyKey: key,
      metadata: { kind: PAYMENT_REQUEST_METADATA_KIND, payment_request_id: row.id },
    },
  ]);
}
