import "server-only";
import type { PoolClient } from "pg";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type Leg, walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { cardAmountFor, paymentRequestIdSchema, saleKindFor } from "@/server/domain/payment-requests";
import { walletChoiceSchema } from "@/server/domain/wallet-spending";
import { env } from "@/server/env";
import { type Checkout, PaymentGatewayError, payments } from "@/server/integrations/payments";
import { type SaleResult, findSellingPerformer, postSale } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { payingWallet } from "../wallet/spending";
import { announceRequestChange } from "./notices";
import { type PaymentRequestRow, fixCardPrice, markPaid, selectRequestDetails, setCheckoutSessionIfUnset } from "./queries";
import { type PaymentRequestView, assertMay, loadRequestFor, lockRequestOf } from "./requests";

/**
 * Paying a request, from a wallet whose rules allow payment requests or by card through a Checkout at the site's
 * credit price. Either way one transaction locks the request, checks it is still pending and not past its expiry
 * (the database's clock), posts the sale under the request's key `payment-request:<id>:sale` and marks it paid with
 * a guarded UPDATE: a second payment, however it races the first, finds it paid and posts nothing (a second sale
 * under the same key would be refused by the ledger too, its request naming another way of paying).
 */

/** Marks a Checkout Session or PaymentIntent as a payment request's, so webhooks route it here. */
export const PAYMENT_REQUEST_METADATA_KIND = "payment_request";

/** Stripe wants a checkout's expiry at least 30 minutes after it is created. */
const MIN_CHECKOUT_SECONDS = 31 * 60;

export const payFromWalletSchema = paymentRequestIdSchema.extend({ walletTypeId: walletChoiceSchema });

function saleDescription(row: PaymentRequestRow, stageName: string): string {
  return `Payment request from ${stageName}: ${row.description}`;
}

/** The sale of a locked, payable request, then the guarded change to paid, then both sides told. */
export async function completePayment(
  db: PoolClient,
  row: PaymentRequestRow,
  payment: { via: string; sources: readonly Leg[]; walletTypeId: string | null; paymentIntentId: string | null; metadata: Record<string, unknown> },
): Promise<SaleResult> {
  const performer = await findSellingPerformer(db, { performerId: row.performer_id });
  const sale = await postSale(db, {
    kind: "PAYMENT_REQUEST",
    saleKind: saleKindFor(row.type),
    buyerId: row.member_id,
    performerId: row.performer_id,
    amount: BigInt(row.amount),
    idempotencyKey: `payment-request:${row.id}:sale`,
    request: { paymentRequestId: row.id, via: payment.via },
    description: saleDescription(row, performer.stageName),
    metadata: { paymentRequestId: row.id, requestType: row.type, ...payment.metadata },
    sources: payment.sources,
  });
  if (!(await markPaid(db, row.id, { saleTransactionId: sale.transactionId, walletTypeId: payment.walletTypeId, paymentIntentId: payment.paymentIntentId }))) {
    throw new DomainError("CONFLICT", "This request is no longer waiting for payment.");
  }
  await announceRequestChange(db, row.id, "paid");
  return sale;
}

/** The member it is addressed to pays it from a wallet (Credits unless they choose another that may pay requests). */
export async function payFromWallet(memberId: string, input: z.input<typeof payFromWalletSchema>): Promise<PaymentRequestView> {
  const { requestId, walletTypeId } = payFromWalletSchema.parse(input);
  const wallet = await payingWallet(pool, walletTypeId, "PAYMENT_REQUESTS");
  await withTransaction(pool, async (db) => {
    const row = await lockRequestOf(db, requestId, { memberId });
    assertMay(row, "pay");
    const amount = BigInt(row.amount);
    await completePayment(db, row, {
      via: `wallet:${wallet.id}`,
      sources: [{ account: walletAccount(memberId, wallet), amount: -amount }],
      walletTypeId: wallet.id,
      paymentIntentId: null,
      metadata: { walletTypeId: wallet.id },
    });
  });
  return loadRequestFor(memberId, requestId);
}

/**
 * The member chooses to pay by card: the Checkout for the amount at the site's credit price (fixed the first time,
 * so a later price change can't alter what this request costs by card), opened once per request (the Stripe key
 * `payment-request:<id>:checkout`) and returned while it is open. The webhook settles it (card-events.ts).
 */
export async function payByCard(memberId: string, input: z.input<typeof paymentRequestIdSchema>): Promise<{ checkoutUrl: string }> {
  const { requestId } = paymentRequestIdSchema.parse(input);
  const priced = await withTransaction(pool, async (db) => {
    const row = await lockRequestOf(db, requestId, { memberId });
    assertMay(row, "pay");
    const terms = await getSetting(db, "store");
    const price = await fixCardPrice(db, row.id, cardAmountFor(BigInt(row.amount), terms.creditPriceMinor), terms.currency);
    return { row, amountMinor: BigInt(price.card_amount_minor), currency: price.currency };
  });
  const { row } = priced;
  if (row.stripe_checkout_session_id) {
    const checkout = await atProcessor(() => payments().readCheckout(row.stripe_checkout_session_id as string));
    if (checkout.status === "open" && checkout.url) return { checkoutUrl: checkout.url };
    if (checkout.payment === "paid") throw new DomainError("PRECONDITION_FAILED", "Your card payment went through; the request shows as paid in a moment.");
    throw new DomainError("PRECONDITION_FAILED", "The card payment for this request didn't go through. Pay it from your wallet, or ask for a new request.");
  }
  const details = await selectRequestDetails(pool, row.id);
  if (!details) throw new Error(`payment request ${row.id} vanished`);
  const expiresAt = new Date(Math.max(row.expires_at.getTime(), Date.now() + MIN_CHECKOUT_SECONDS * 1000));
  const returnTo = `${env.APP_URL}/room/${details.performer_username}`;
  const checkout = await atProcessor(() =>
    payments().createCheckout({
    amountMinor: priced.amountMinor,
    currency: priced.currency,
    description: `${details.stage_name}: ${row.description} (${formatCredits(BigInt(row.amount))} credits)`,
    customerEmail: details.member_email,
    metadata: { kind: PAYMENT_REQUEST_METADATA_KIND, payment_request_id: row.id },
    expiresAt,
    successUrl: returnTo,
    cancelUrl: returnTo,
    idempotencyKey: `payment-request:${row.id}:checkout`,
    }),
  );
  await setCheckoutSessionIfUnset(pool, row.id, checkout.id);
  if (!checkout.url) throw new DomainError("PRECONDITION_FAILED", "The card payment could not be started. Try again in a moment.");
  return { checkoutUrl: checkout.url };
}


/** A processor that can't be reached or refuses is the member's to retry, not a server error; nothing was charged. */
async function atProcessor(call: () => Promise<Checkout>): Promise<Checkout> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    console.error("[payment requests] the card checkout could not be opened", error);
    throw new DomainError("PRECONDITION_FAILED", "The card payment could not be started, and nothing was charged. Try again in a moment.", { reason: "CHECKOUT_UNAVAILABLE" });
  }
}
