import "server-only";
import type { PoolClient } from "pg";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { clawbackLegs, creditsForPaymentShare, purchaseLegs, refundClawback } from "@/server/domain/ledger";
import { type Checkout, type Dispute, type EventSubject, type GatewayEvent, type GatewayMetadata, type Payment, payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import type { PurchaseStatus } from "@/server/generated/prisma/enums";
import { handlePayoutEvent } from "../payouts/stripe-payouts";
import { restoreWonDispute, takeBackDisputed } from "./disputes";
import { handlePaymentRequestEvent } from "../payment-requests/card-events";
import { PAYMENT_REQUEST_METADATA_KIND } from "../payment-requests/paying";
import { handleStoreOrderEvent } from "../store/card-events";
import { STORE_ORDER_METADATA_KIND } from "../store/checkout";
import { type PaymentSubject, paymentMatches } from "./payment-subjects";
import { TAB_METADATA_KIND } from "../tabs/opening";
import { handleCardTabEvent } from "../tabs/events";
import {
  type PurchaseRow as PurchaseRecord,
  insertStripeEvent,
  markCredited,
  selectPaymentOwner,
  selectPurchaseForUpdate,
  setCheckoutSession,
  setPurchaseStatus,
  setRefunded,
} from "./queries";

/**
 * Payment webhooks, verified by the gateway that sent them (`payments(event.gateway)`). The event is a trigger;
 * the processor's current object is the truth: the event's object is re-read from the processor by its id
 * (before the database transaction), and which purchase or store order it is about comes from that object (its
 * stored payment, else its metadata), never from the payload. Then one transaction
 * records the event id, locks the row, refuses a payment whose session, amount or currency differ from the
 * stored ones (recorded for admins, nothing credited) and posts what is missing under deterministic idempotency
 * keys; a store order's or a payment request's paid checkout that matches is one statement doing the same
 * (paid-checkout.ts). Replays and any delivery order therefore end in the same books.
 */
export type WebhookOutcome = "processed" | "duplicate" | "ignored" | "mismatch";

interface PurchaseRow extends PurchaseRecord {
  /** Set when this event's posting credited the purchase, so its receipt is written to the outbox once. */
  creditedNow?: boolean;
}

type Effect = (db: PoolClient, purchase: PurchaseRow) => Promise<void>;

export async function handlePaymentEvent(event: GatewayEvent): Promise<WebhookOutcome> {
  const seen = await prisma.stripeEvent.findUnique({ where: { id: event.id }, select: { id: true } });
  if (seen) return "duplicate";
  if (event.topic === "payout") return handlePayoutEvent(event);

  // Only the payload's object id is used: everything else (which purchase or order, the amounts) comes from
  // the object re-read here. An id the processor does not know (a signed event about nothing) is ignored.
  const subject = await payments(event.gateway).readSubject(event);
  if (!subject) return recordIgnored(event);
  const owner = await ownerOf(event, subject);
  if (!owner) return recordIgnored(event);
  if (owner.kind === "card_tab") return handleCardTabEvent(event, owner.id, owner.purpose, subject);
  // Purchases and store orders settle from their checkout, refunds and disputes; an authorisation event about their
  // payment is recorded and ignored, as unknown events are.
  if (subject.kind === "authorization") return recordIgnored(event);
  if (owner.kind === "store_order") return handleStoreOrderEvent(event, owner.id, subject);
  if (owner.kind === "payment_request") return handlePaymentRequestEvent(event, owner.id, subject);

  const plan = planFor(subject);
  const result = await withTransaction(pool, async (db) => {
    if (!(await insertStripeEvent(db, event.id, event.type))) return { outcome: "duplicate" as const };
    const purchase: PurchaseRow | undefined = await selectPurchaseForUpdate(db, owner.id);
    if (!purchase) return { outcome: "ignored" as const };
    const stored = { checkoutSessionId: purchase.stripe_checkout_session_id, amountMinor: BigInt(purchase.price_minor), currency: purchase.currency };
    if (!(await paymentMatches(db, event, { type: "credit_purchase", id: purchase.id }, stored, subject))) return { outcome: "mismatch" as const };
    await plan(db, purchase);
    await enqueue(db, [
      { key: `stripe-event:${event.id}:wallet`, kind: "wallet-update", userId: purchase.user_id },
      // Credited once, however many events lead there: the receipt is keyed by the purchase.
      ...(purchase.creditedNow ? [{ key: `purchase:${purchase.id}:receipt`, kind: "purchase-receipt" as const, purchaseId: purchase.id }] : []),
    ]);
    return { outcome: "processed" as const };
  });
  return result.outcome;
}

async function recordIgnored(event: GatewayEvent): Promise<WebhookOutcome> {
  await prisma.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
  return "ignored";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidOr(value: string | null | undefined): string | null {
  return value && UUID.test(value) ? value : null;
}

type Owner = { kind: "credit_purchase" | "store_order" | "payment_request"; id: string } | { kind: "card_tab"; id: string; purpose: string | undefined };

function ownerFromMetadata(metadata: GatewayMetadata | null | undefined, clientReferenceId?: string | null): Owner | null {
  if (metadata?.kind === TAB_METADATA_KIND) {
    const id = uuidOr(metadata.card_tab_id);
    return id ? { kind: "card_tab", id, purpose: metadata.purpose } : null;
  }
  if (metadata?.kind === STORE_ORDER_METADATA_KIND) {
    const id = uuidOr(metadata.store_order_id);
    return id ? { kind: "store_order", id } : null;
  }
  if (metadata?.kind === PAYMENT_REQUEST_METADATA_KIND) {
    const id = uuidOr(metadata.payment_request_id);
    return id ? { kind: "payment_request", id } : null;
  }
  const id = uuidOr(metadata?.purchase_id ?? clientReferenceId);
  return id ? { kind: "credit_purchase", id } : null;
}

/** The purchase or store order the re-read object belongs to: by its stored payment, else the processor's metadata. */
async function ownerOf(event: GatewayEvent, subject: EventSubject): Promise<Owner | null> {
  if (subject.kind === "checkout") return ownerFromMetadata(subject.checkout.metadata, subject.checkout.reference);
  const paymentIntentId = subject.kind === "authorization" ? subject.authorization.id : subject.payment.paymentId;
  if (!paymentIntentId) return null;
  const stored = await selectPaymentOwner(pool, paymentIntentId);
  if (stored) return stored;
  // A re-read authorisation carries its metadata; a refund's or dispute's payment is read for it.
  const metadata = subject.kind === "authorization" ? subject.authorization.metadata : await payments(event.gateway).paymentMetadata(paymentIntentId);
  return ownerFromMetadata(metadata);
}

function planFor(subject: PaymentSubject): Effect {
  switch (subject.kind) {
    case "checkout":
      return checkoutEffect(subject.checkout);
    case "refund":
      return refundEffect(subject.payment);
    case "dispute":
      return disputeEffect(subject.dispute, subject.payment);
  }
}

function checkoutEffect(checkout: Checkout): Effect {
  return async (db, purchase) => {
    if (purchase.stripe_checkout_session_id === null) {
      // The answer that created the checkout was lost before its id was stored; the checkout's metadata vouches for it.
      await setCheckoutSession(db, purchase.id, checkout.id);
    }
    if (checkout.payment === "paid") {
      await creditPurchase(db, purchase, checkout.paymentId);
    } else if (purchase.status === "PENDING" && checkout.status === "expired") {
      await setStatus(db, purchase.id, "EXPIRED");
    } else if (purchase.status === "PENDING" && checkout.payment === "failed") {
      await setStatus(db, purchase.id, "FAILED");
    }
  };
}

function refundEffect(payment: Payment): Effect {
  const paymentIntentId = payment.paymentId;
  const refundedNow = payment.refundedMinor;
  return async (db, purchase) => {
    await creditPurchase(db, purchase, paymentIntentId);
    const refundedBefore = BigInt(purchase.refunded_minor);
    const credits = refundClawback({
      credits: BigInt(purchase.credits),
      priceMinor: BigInt(purchase.price_minor),
      refundedBeforeMinor: refundedBefore,
      refundedNowMinor: refundedNow,
    });
    if (credits > 0n) {
      await post(db, {
        kind: "PURCHASE_REFUND",
        idempotencyKey: `purchase:${purchase.id}:refund-to:${refundedNow}`,
        actorId: null,
        description: "Card payment refunded",
        metadata: { purchaseId: purchase.id, chargeId: payment.chargeId, refundedMinor: refundedNow.toString() },
        legs: clawbackLegs(purchase.user_id, credits),
        allowOverdraft: true,
      });
    }
    if (refundedNow > refundedBefore) {
      const fullyRefunded = refundedNow >= BigInt(purchase.price_minor);
      await setRefunded(db, purchase.id, refundedNow, fullyRefunded ? "REFUNDED" : "PARTIALLY_REFUNDED");
    }
  };
}

function disputeEffect(dispute: Dispute, payment: Payment): Effect {
  const paymentIntentId = payment.paymentId;
  return async (db, purchase) => {
    const creditedTransactionId = await creditPurchase(db, purchase, paymentIntentId);
    const disputed = { id: purchase.id, userId: purchase.user_id, creditedTransactionId };
    const credits = creditsForPaymentShare(BigInt(purchase.credits), BigInt(purchase.price_minor), dispute.amountMinor);
    await takeBackDisputed(db, disputed, { id: dispute.id, credits });
    if (dispute.status === "won") {
      await restoreWonDispute(db, disputed, dispute.id);
      await setStatus(db, purchase.id, BigInt(purchase.refunded_minor) > 0n ? "PARTIALLY_REFUNDED" : "PAID");
    } else {
      await setStatus(db, purchase.id, "DISPUTED");
    }
  };
}

/** Credits a paid purchase once (its key is fixed), whatever event first proves the payment; the crediting posting's id. */
async function creditPurchase(db: PoolClient, purchase: PurchaseRow, paymentIntentId: string | null): Promise<bigint> {
  const result = await post(db, {
    kind: "PURCHASE",
    idempotencyKey: `purchase:${purchase.id}:credit`,
    actorId: purchase.user_id,
    description: "Credits bought with a card",
    metadata: { purchaseId: purchase.id, paymentIntentId },
    legs: purchaseLegs(purchase.user_id, BigInt(purchase.credits)),
  });
  await markCredited(db, purchase.id, result.transactionId, paymentIntentId);
  if (["PENDING", "FAILED", "EXPIRED"].includes(purchase.status)) purchase.status = "PAID";
  if (!result.replayed) purchase.creditedNow = true;
  return result.transactionId;
}

async function setStatus(db: PoolClient, purchaseId: string, status: PurchaseStatus): Promise<void> {
  await setPurchaseStatus(db, purchaseId, status);
}
