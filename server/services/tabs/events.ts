import "server-only";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { systemAccount } from "@/server/domain/ledger";
import { type AuthorizationState, type EventSubject, type GatewayEvent, type Payment, payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { applySettlement } from "./debts";
import { closeTab, collectCapture } from "./lifecycle";
import { applyOpening, refreshOpening } from "./opening";
import { lockTab, selectTab } from "./queries";

/**
 * The processor's events about a card tab, whose object the webhook re-read and found to name the tab: an opening
 * checkout (authorised, expired), a settlement checkout (paid), and refunds and disputes of a capture. Every
 * effect is keyed by what it is about, so replays and any order of delivery end in the same books; the event id
 * is recorded after its effect, so a delivery that failed halfway is simply done again.
 */

export type TabEventOutcome = "processed" | "duplicate" | "ignored";

export async function handleCardTabEvent(event: GatewayEvent, tabId: string, purpose: string | undefined, subject: EventSubject): Promise<TabEventOutcome> {
  if (await prisma.stripeEvent.findUnique({ where: { id: event.id }, select: { id: true } })) return "duplicate";
  switch (subject.kind) {
    case "checkout":
      if (purpose === "settle") await applySettlement(tabId, subject.checkout);
      else await applyOpening(tabId, subject.checkout);
      break;
    case "refund": {
      const refunded = await refundedOfCapture(event, subject.payment);
      await reverseCapturedMoney(tabId, subject.payment, { key: `refund-to:${refunded}`, takenMinor: refunded });
      break;
    }
    case "dispute": {
      const refunded = await refundedOfCapture(event, subject.payment);
      const won = subject.dispute.status === "won";
      await reverseCapturedMoney(tabId, subject.payment, {
        key: `dispute:${subject.dispute.id}:${won ? "won" : "taken"}`,
        takenMinor: won ? refunded : refunded + subject.dispute.amountMinor,
      });
      break;
    }
    case "authorization":
      await applyAuthorization(tabId, subject.authorization);
      break;
  }
  await prisma.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
  return "processed";
}

/**
 * A hold's news: captured heals a capture whose posting a crash cut off (the charge row is still pending); released
 * or expired while the tab still spends against it stops the tab (what it accrued is then owed); an opening hold
 * is read through its checkout.
 */
async function applyAuthorization(tabId: string, authorization: AuthorizationState): Promise<void> {
  const tab = await selectTab(pool, tabId);
  if (!tab) return;
  if (tab.status === "OPENING") {
    await refreshOpening(tabId);
    return;
  }
  const { rows } = await pool.query<{ seq: number }>(
    "SELECT seq FROM card_tab_charges WHERE tab_id = $1 AND payment_id = $2 AND kind = 'CAPTURE' AND status = 'PENDING'",
    [tabId, authorization.id],
  );
  const pending = rows[0];
  if (pending && (authorization.status === "captured" || authorization.status === "canceled" || authorization.status === "failed")) {
    await collectCapture(tabId, pending.seq);
    return;
  }
  if (tab.status === "OPEN" && tab.authorization_id === authorization.id && (authorization.status === "canceled" || authorization.status === "failed")) {
    await closeTab(tabId, "card_failed", authorization.canceledBecause === "expired" ? "the card's hold expired" : "the card's hold was released");
  }
}

/**
 * Money a tab's card payment lost at the processor (refunded, or taken by a dispute), or got back (a dispute won):
 * the credits it paid for were spent long ago, so the platform bears it as bad debt. `takenMinor` is the total
 * taken from that payment so far; the posting moves the difference from what earlier ones recorded, in whole
 * credits, keyed by the total so each step is posted once.
 */
async function reverseCapturedMoney(tabId: string, payment: Payment, step: { key: string; takenMinor: bigint }): Promise<void> {
  const paymentId = payment.paymentId;
  if (!paymentId) return;
  await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (!tab) return;
    const { rows } = await db.query<{ taken: string }>(
      `SELECT coalesce(sum((metadata ->> 'credits')::bigint), 0) AS taken FROM ledger_transactions
        WHERE kind = 'TAB_CARD_REVERSAL' AND metadata ->> 'tabId' = $1 AND metadata ->> 'cardPaymentId' = $2`,
      [tab.id, paymentId],
    );
    const before = BigInt(rows[0]?.taken ?? "0");
    const credits = step.takenMinor / BigInt(tab.credit_price_minor) - before;
    if (credits === 0n) return;
    await post(db, {
      kind: "TAB_CARD_REVERSAL",
      idempotencyKey: `tab:${tab.id}:payment:${paymentId}:${step.key}`,
      request: { tabId: tab.id, paymentId, takenMinor: step.takenMinor.toString() },
      actorId: null,
      description: credits > 0n ? "Card tab payment taken back by the card" : "Card tab payment returned after a dispute",
      metadata: { tabId: tab.id, performerId: tab.performer_id, cardPaymentId: paymentId, credits: credits.toString(), takenMinor: step.takenMinor.toString() },
      legs: [
        { account: systemAccount("gateway_clearing"), amount: credits },
        { account: systemAccount("bad_debt"), amount: -credits },
      ],
    });
  });
}

/**
 * What was refunded of what a tab captured: a partial capture releases the rest of the hold, which the processor
 * counts as refunded too, so that part is taken off.
 */
async function refundedOfCapture(event: GatewayEvent, payment: Payment): Promise<bigint> {
  if (!payment.paymentId) return payment.refundedMinor;
  const state = await payments(event.gateway).readAuthorization(payment.paymentId);
  return payment.refundedMinor - (payment.amountMinor - state.capturedMinor);
}
