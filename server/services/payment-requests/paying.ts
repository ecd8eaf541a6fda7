import "server-only";
import type { PoolClient } from "pg";
import { z } from "zod";
import { loadActiveSessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { CREDITS, type Leg, walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { cardAmountFor, paymentRequestIdSchema, saleKindFor } from "@/server/domain/payment-requests";
import { walletChoiceSchema } from "@/server/domain/wallet-spending";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { env } from "@/server/env";
import { type Checkout, PaymentGatewayError, payments } from "@/server/integrations/payments";
import { isLedgerError } from "@/server/ledger/post";
import { wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { type SaleArgumentsInSql, type SaleResult, findSellingPerformer, ledgerSaleSql, postSale, saleParams, sellingPerformerSql } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { payingWallet } from "../wallet/spending";
import { announceRequestChange } from "./notices";
import { type PaymentRequestListRow, type PaymentRequestRow, fixCardPrice, markPaid, selectRequestDetails, setCheckoutSessionIfUnset } from "./queries";
import { type PaymentRequestView, assertMay, loadRequestFor, lockRequestOf, viewFrom } from "./requests";

/**
 * Paying a request, from a wallet whose rules allow payment requests or by card through a Checkout at the site's
 * credit price. Either way one statement (the common case) or one transaction locks the request, checks it is still
 * pending and not past its expiry (the database's clock), posts the sale under the request's key
 * `payment-request:<id>:sale` and marks it paid with a guarded UPDATE: a second payment, however it races the first, finds it paid and posts nothing (a second sale
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

/** Who pays: the member, and the session version their request claims (null when the caller checked the session). */
interface Payer {
  memberId: string;
  sessionVersion: number | null;
}

/**
 * The member it is addressed to pays it from a wallet (Credits unless they choose another that may pay requests):
 * in one statement when it qualifies (walletPaymentSql), else through payFromWalletInTransaction, which words
 * every refusal.
 */
export function payFromWallet(memberId: string, input: z.input<typeof payFromWalletSchema>): Promise<PaymentRequestView> {
  return payFromWalletAs({ memberId, sessionVersion: null }, input);
}

/**
 * payFromWallet for a session whose claim nothing has checked yet (`claimedProcedure`): the payment's statement
 * checks it; a payment that statement does not make checks it before anything else. A session that no longer
 * counts is refused as signed out.
 */
export function payFromWalletAsSession(session: { userId: string; sessionVersion: number }, input: z.input<typeof payFromWalletSchema>): Promise<PaymentRequestView> {
  return payFromWalletAs({ memberId: session.userId, sessionVersion: session.sessionVersion }, input);
}

async function payFromWalletAs(payer: Payer, input: z.input<typeof payFromWalletSchema>): Promise<PaymentRequestView> {
  const parsed = payFromWalletSchema.parse(input);
  const paid = await payInOneStatement(payer, parsed);
  if (paid) return paid;
  if (payer.sessionVersion !== null && !(await loadActiveSessionUser(payer.memberId, payer.sessionVersion))) {
    throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  }
  return payFromWalletInTransaction(payer.memberId, parsed);
}

/**
 * The arguments of a payment's sale that a statement reads from the request it locked (as `request`, with the
 * performer's stage name), as completePayment gives them: the sale kind of its type (saleKindFor), the performer,
 * the amount and the description. The card's statement is in card-events.ts.
 */
export const REQUEST_SALE: SaleArgumentsInSql = {
  saleKind: `(CASE request.type WHEN 'SERVICE' THEN 'PAYMENT_REQUEST_SERVICE' ELSE 'PAYMENT_REQUEST_GOODS' END)::"SaleKind"`,
  performer: "request.performer_id",
  amount: "request.amount",
  description: "'Payment request from ' || request.stage_name || ': ' || request.description",
};

/**
 * The arguments of the wallet payment's sale that its statement reads from the request it locked: REQUEST_SALE's,
 * the metadata completePayment gives, and the member's account of the chosen wallet, which pays all of it.
 */
const WALLET_PAYMENT_SALE: SaleArgumentsInSql = {
  ...REQUEST_SALE,
  metadata: "jsonb_build_object('paymentRequestId', request.id, 'requestType', request.type, 'walletTypeId', request.wallet_type_id)",
  sourceCodes: "ARRAY[request.account]",
  sourceAmounts: "ARRAY[-request.amount]",
};

/** The parameters of walletPaymentSql before the sale's own (saleParams). */
const WALLET_PAYMENT_PARAMS = 4;

/**
 * A payment from the wallet in one statement, in the common case: the member (and, given the version a session
 * claims, that session still current); the chosen wallet, whose rules include payment requests; the request,
 * theirs, still pending and not past its expiry by the database's clock (the rules of assertMay), from an approved
 * active performer (findSellingPerformer's), locked as the transaction locks it, so a payment racing this one waits
 * and then finds it paid; the sale (ledger_sale); the request marked paid; one outbox message naming it, from which
 * the relay renders its announcements (paidRequestAnnouncements). It returns the request as loadRequestFor reads
 * it, paid. No row when anything does not qualify: nothing is posted. The relay is woken as a tip's statement
 * wakes it (wakeRelayWhenIdleSql).
 */
const walletPaymentSql = `
WITH payer AS MATERIALIZED (
  SELECT u.id FROM users u
   WHERE u.id = $2::uuid AND ($4::int IS NULL OR (u.status = 'ACTIVE' AND u.session_version = $4::int))
), wallet AS MATERIALIZED (
  SELECT w.id, w.name, 'user:' || m.id || ':' || w.account_kind || ':' || w.currency AS account
    FROM payer m JOIN wallet_types w ON w.id = $3::text
   WHERE w.active AND w.currency = '${CREDITS}' AND 'PAYMENT_REQUESTS' = ANY (w.pays_for)
), request AS MATERIALIZED (
  SELECT r.id, r.performer_id, r.type, r.description, r.amount, p.stage_name, pu.username AS performer_username,
         pu.email AS performer_email, w.id AS wallet_type_id, w.name AS wallet_name, w.account
    FROM payment_requests r
    JOIN users pu ON pu.id = r.performer_id
    JOIN performer_profiles p ON p.user_id = r.performer_id
   CROSS JOIN wallet w
   WHERE r.id = $1::uuid AND r.member_id = $2::uuid AND r.status = 'PENDING' AND r.expires_at > now()
     AND ${sellingPerformerSql("pu", "p")}
     FOR UPDATE OF r
), sale AS MATERIALIZED (
  SELECT request.*, s.transaction_id, s.performer_share
    FROM request CROSS JOIN LATERAL ${ledgerSaleSql(WALLET_PAYMENT_SALE, WALLET_PAYMENT_PARAMS + 1)} s
), paid AS (
  UPDATE payment_requests r
     SET status = 'PAID', closed_at = now(), sale_transaction_id = s.transaction_id, paid_wallet_type_id = s.wallet_type_id
    FROM sale s
   WHERE r.id = s.id AND r.status = 'PENDING' AND r.expires_at > now()
  RETURNING r.*, r.expires_at <= now() AS past_expiry, s.stage_name, s.performer_username, s.performer_email, s.wallet_name,
            s.performer_share::text AS performer_share
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'payment-request:' || id || ':paid', 'payment-request-paid', jsonb_build_object('requestId', id) FROM paid
)
SELECT paid.*, m.display_name AS member_name, m.email AS member_email,
       ${wakeRelayWhenIdleSql("true")} AS woke_relay
  FROM paid JOIN users m ON m.id = paid.member_id`;

/**
 * The request paid by walletPaymentSql, or null when that statement paid nothing: nothing qualified, or the ledger
 * refused (no credits enough, a restricted wallet, the sale's key taken by another way of paying). The
 * transaction then answers as it would have.
 */
async function payInOneStatement(payer: Payer, input: z.output<typeof payFromWalletSchema>): Promise<PaymentRequestView | null> {
  const walletTypeId = input.walletTypeId ?? CREDITS_WALLET;
  const sale = saleParams(
    {
      kind: "PAYMENT_REQUEST",
      buyerId: payer.memberId,
      idempotencyKey: `payment-request:${input.requestId}:sale`,
      request: { paymentRequestId: input.requestId, via: `wallet:${walletTypeId}` },
    },
    WALLET_PAYMENT_SALE,
  );
  const paid = await pool
    .query<PaymentRequestListRow>({
      name: "pay_request_from_wallet",
      text: walletPaymentSql,
      values: [input.requestId, payer.memberId, walletTypeId, payer.sessionVersion, ...sale],
    })
    .catch((error: unknown) => {
      if (isLedgerError(error)) return null;
      throw error;
    });
  const row = paid?.rows[0];
  return row ? viewFrom(row, payer.memberId, new Date()) : null;
}

/**
 * A payment from the wallet in one transaction: the request locked, checked, paid. Exported for the parity test,
 * which holds walletPaymentSql to it.
 */
export async function payFromWalletInTransaction(memberId: string, input: z.output<typeof payFromWalletSchema>): Promise<PaymentRequestView> {
  const { requestId, walletTypeId } = input;
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
