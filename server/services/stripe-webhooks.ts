import type { PoolClient } from "pg";
import type Stripe from "stripe";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { clawbackLegs, creditsForPaymentShare, purchaseLegs, refundClawback } from "@/server/domain/ledger";
import { asyncPaymentFailed, idOf, stripe } from "@/server/integrations/stripe";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import type { PurchaseStatus } from "@/server/generated/prisma/enums";
import { handlePayoutEvent, isPayoutEvent } from "./payout-stripe";
import { handleStoreOrderEvent, isStoreOrderEvent } from "./store-checkout";

/**
 * Stripe webhooks. The event is a trigger; Stripe's current object is the truth: each handler re-reads what it
 * needs from Stripe (before the database transaction), then in one transaction records the event id, locks the
 * purchase and posts what is missing under deterministic idempotency keys. Replays and any delivery order
 * therefore end in the same books.
 */
export type WebhookOutcome = "processed" | "duplicate" | "ignored";

interface PurchaseRow {
  id: string;
  user_id: string;
  status: PurchaseStatus;
  credits: string;
  price_minor: string;
  refunded_minor: string;
  /** Set when this event's posting credited the purchase, so its receipt is written to the outbox once. */
  creditedNow?: boolean;
}

type Effect = (db: PoolClient, purchase: PurchaseRow) => Promise<void>;

export async function handleStripeEvent(event: Stripe.Event): Promise<WebhookOutcome> {
  const seen = await pool.query("SELECT 1 FROM stripe_events WHERE id = $1", [event.id]);
  if (seen.rowCount) return "duplicate";
  if (isStoreOrderEvent(event)) return handleStoreOrderEvent(event);
  if (isPayoutEvent(event)) return handlePayoutEvent(event);

  const plan = await planFor(event);
  if (!plan) return recordIgnored(event);

  const result = await withTransaction(pool, async (db) => {
    const inserted = await db.query(
      "INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id",
      [event.id, event.type],
    );
    if (!inserted.rowCount) return { outcome: "duplicate" as const };
    const { rows } = await db.query<PurchaseRow>(
      `SELECT id, user_id, status, credits, price_minor, refunded_minor FROM credit_purchases WHERE id = $1 FOR UPDATE`,
      [plan.purchaseId],
    );
    const purchase = rows[0];
    if (!purchase) return { outcome: "ignored" as const };
    await plan.effect(db, purchase);
    await enqueue(db, [
      { key: `stripe-event:${event.id}:wallet`, kind: "wallet-update", userId: purchase.user_id },
      // Credited once, however many events lead there: the receipt is keyed by the purchase.
      ...(purchase.creditedNow ? [{ key: `purchase:${purchase.id}:receipt`, kind: "purchase-receipt" as const, purchaseId: purchase.id }] : []),
    ]);
    return { outcome: "processed" as const };
  });
  return result.outcome;
}

async function recordIgnored(event: Stripe.Event): Promise<WebhookOutcome> {
  await pool.query("INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [event.id, event.type]);
  return "ignored";
}

interface Plan {
  purchaseId: string;
  effect: Effect;
}

async function planFor(event: Stripe.Event): Promise<Plan | null> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired":
      return planForSession(event.data.object);
    case "charge.refunded":
      return planForRefund(event.data.object);
    case "charge.dispute.created":
    case "charge.dispute.closed":
      return planForDispute(event.data.object);
    default:
      return null;
  }
}

function purchaseIdOf(metadata: Stripe.Metadata | null | undefined, fallback?: string | null): string | null {
  const id = metadata?.purchase_id ?? fallback ?? null;
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

async function planForSession(payload: Stripe.Checkout.Session): Promise<Plan | null> {
  const purchaseId = purchaseIdOf(payload.metadata, payload.client_reference_id);
  if (!purchaseId) return null;
  const session = await stripe().checkout.sessions.retrieve(payload.id);
  const paymentIntentId = typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
  return {
    purchaseId,
    effect: async (db, purchase) => {
      if (session.payment_status === "paid") {
        await creditPurchase(db, purchase, paymentIntentId);
      } else if (purchase.status === "PENDING" && session.status === "expired") {
        await setStatus(db, purchase.id, "EXPIRED");
      } else if (purchase.status === "PENDING" && (await asyncPaymentFailed(session))) {
        await setStatus(db, purchase.id, "FAILED");
      }
    },
  };
}

async function purchaseForPaymentIntent(paymentIntentId: string): Promise<string | null> {
  const { rows } = await pool.query<{ id: string }>("SELECT id FROM credit_purchases WHERE stripe_payment_intent_id = $1", [
    paymentIntentId,
  ]);
  if (rows[0]) return rows[0].id;
  const intent = await stripe().paymentIntents.retrieve(paymentIntentId);
  return purchaseIdOf(intent.metadata);
}

async function planForRefund(payload: Stripe.Charge): Promise<Plan | null> {
  const paymentIntentId = idOf(payload.payment_intent);
  if (!paymentIntentId) return null;
  const purchaseId = await purchaseForPaymentIntent(paymentIntentId);
  if (!purchaseId) return null;
  const charge = await stripe().charges.retrieve(payload.id);
  const refundedNow = BigInt(charge.amount_refunded);
  return {
    purchaseId,
    effect: async (db, purchase) => {
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
          metadata: { purchaseId: purchase.id, chargeId: charge.id, refundedMinor: refundedNow.toString() },
          legs: clawbackLegs(purchase.user_id, credits),
          allowOverdraft: true,
        });
      }
      if (refundedNow > refundedBefore) {
        const fullyRefunded = refundedNow >= BigInt(purchase.price_minor);
        await db.query(
          `UPDATE credit_purchases SET refunded_minor = $2, status = $3::"PurchaseStatus", updated_at = now() WHERE id = $1`,
          [purchase.id, refundedNow.toString(), fullyRefunded ? "REFUNDED" : "PARTIALLY_REFUNDED"],
        );
      }
    },
  };
}

async function planForDispute(payload: Stripe.Dispute): Promise<Plan | null> {
  const paymentIntentId =
    idOf(payload.payment_intent) ?? idOf((await stripe().charges.retrieve(idOf(payload.charge) ?? "")).payment_intent);
  if (!paymentIntentId) return null;
  const purchaseId = await purchaseForPaymentIntent(paymentIntentId);
  if (!purchaseId) return null;
  const dispute = await stripe().disputes.retrieve(payload.id);
  return {
    purchaseId,
    effect: async (db, purchase) => {
      await creditPurchase(db, purchase, paymentIntentId);
      const credits = creditsForPaymentShare(BigInt(purchase.credits), BigInt(purchase.price_minor), BigInt(dispute.amount));
      if (credits === 0n) return;
      await post(db, {
        kind: "DISPUTE_HOLD",
        idempotencyKey: `purchase:${purchase.id}:dispute:${dispute.id}:hold`,
        actorId: null,
        description: "Card payment disputed",
        metadata: { purchaseId: purchase.id, disputeId: dispute.id },
        legs: clawbackLegs(purchase.user_id, credits),
        allowOverdraft: true,
      });
      if (dispute.status === "won") {
        await post(db, {
          kind: "DISPUTE_RELEASE",
          idempotencyKey: `purchase:${purchase.id}:dispute:${dispute.id}:release`,
          actorId: null,
          description: "Dispute won: credits restored",
          metadata: { purchaseId: purchase.id, disputeId: dispute.id },
          legs: purchaseLegs(purchase.user_id, credits),
        });
        await setStatus(db, purchase.id, BigInt(purchase.refunded_minor) > 0n ? "PARTIALLY_REFUNDED" : "PAID");
      } else {
        await setStatus(db, purchase.id, "DISPUTED");
      }
    },
  };
}

/** Credits a paid purchase once (its key is fixed), whatever event first proves the payment. */
async function creditPurchase(db: PoolClient, purchase: PurchaseRow, paymentIntentId: string | null): Promise<void> {
  const result = await post(db, {
    kind: "PURCHASE",
    idempotencyKey: `purchase:${purchase.id}:credit`,
    actorId: purchase.user_id,
    description: "Credits bought with a card",
    metadata: { purchaseId: purchase.id, paymentIntentId },
    legs: purchaseLegs(purchase.user_id, BigInt(purchase.credits)),
  });
  await db.query(
    `UPDATE credit_purchases
        SET credited_transaction_id = $2,
            stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $3),
            status = CASE WHEN status IN ('PENDING', 'FAILED', 'EXPIRED') THEN 'PAID'::"PurchaseStatus" ELSE status END,
            updated_at = now()
      WHERE id = $1`,
    [purchase.id, result.transactionId.toString(), paymentIntentId],
  );
  if (["PENDING", "FAILED", "EXPIRED"].includes(purchase.status)) purchase.status = "PAID";
  if (!result.replayed) purchase.creditedNow = true;
}

async function setStatus(db: PoolClient, purchaseId: string, status: PurchaseStatus): Promise<void> {
  await db.query(`UPDATE credit_purchases SET status = $2::"PurchaseStatus", updated_at = now() WHERE id = $1`, [purchaseId, status]);
}
