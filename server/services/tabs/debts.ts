import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { planEarningsClawback } from "@/server/domain/earnings";
import { DomainError } from "@/server/domain/errors";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import { formatMinor } from "@/server/domain/money";
import { creditsToMinor, planWriteOff } from "@/server/domain/tabs";
import { env } from "@/server/env";
import { type Checkout, payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { enqueue } from "@/server/outbox/messages";
import { recordAudit } from "../audit/record";
import { getSetting } from "../settings/settings";
import { TAB_METADATA_KIND } from "./opening";
import { announceTab, receiptEmail, stageNameOf } from "./notices";
import {
  type TabRow,
  finishCharge,
  insertCharge,
  lockTab,
  selectPendingCharge,
  selectTab,
  selectTabSales,
  setChargeCheckout,
  setTabStatus,
} from "./queries";

/**
 * What a member owes when their card failed: paid with another card through Checkout (any number of tries), or
 * written off by the performer or an admin ("hang up anyway"), at the expense of whoever the admin setting names.
 * A written-off tab keeps the member's spending restricted until they pay it; that payment then goes back to
 * whoever bore the loss.
 */

/** Checkout for the amount due; an unpaid checkout already open is offered again rather than a second one. */
export async function payTabDue(memberId: string, tabId: string): Promise<{ checkoutUrl: string }> {
  const tab = await selectTab(pool, tabId);
  if (tab?.member_id !== memberId) throw new DomainError("NOT_FOUND", "That tab does not exist.");
  if (tab.status !== "PAYMENT_DUE" && tab.status !== "WRITTEN_OFF") throw new DomainError("PRECONDITION_FAILED", "This tab owes nothing.");
  const gateway = payments();
  const pending = await selectPendingCharge(pool, tabId, "SETTLEMENT");
  if (pending?.checkout_session_id) {
    const checkout = await gateway.readCheckout(pending.checkout_session_id);
    if (checkout.status === "open" && checkout.url) return { checkoutUrl: checkout.url };
    if (checkout.payment === "paid") {
      await applySettlement(tabId, checkout);
      throw new DomainError("CONFLICT", "This tab was just paid.");
    }
    await withTransaction(pool, (db) => finishCharge(db, pending.id, { status: "FAILED", failure: `checkout ${checkout.status}` }));
  }
  const due = BigInt(tab.due_credits);
  const amountMinor = creditsToMinor(due, BigInt(tab.credit_price_minor));
  const charge = await withTransaction(pool, async (db) => {
    const locked = await lockTab(db, tabId);
    if (locked?.status !== "PAYMENT_DUE" && locked?.status !== "WRITTEN_OFF") throw new DomainError("PRECONDITION_FAILED", "This tab owes nothing.");
    if (await selectPendingCharge(db, tabId, "SETTLEMENT")) throw new DomainError("CONFLICT", "A payment for this tab is already under way; try again in a moment.");
    return insertCharge(db, { tabId, kind: "SETTLEMENT", credits: due, amountMinor, paymentId: null });
  });
  const stageName = await stageNameOf(pool, tab.performer_id);
  const checkout = await gateway.createCheckout({
    amountMinor,
    currency: tab.currency,
    description: `What your card tab with ${stageName} owes`,
    reference: tab.id,
    metadata: { kind: TAB_METADATA_KIND, card_tab_id: tab.id, purpose: "settle", charge_seq: String(charge.seq) },
    successUrl: `${env.APP_URL}/tabs/${tab.id}`,
    cancelUrl: `${env.APP_URL}/tabs/${tab.id}`,
    idempotencyKey: `tab:${tab.id}:settle:${charge.seq}`,
  });
  await withTransaction(pool, (db) => setChargeCheckout(db, charge.id, checkout.id));
  if (!checkout.url) throw new Error(`checkout ${checkout.id} has no url`);
  return { checkoutUrl: checkout.url };
}

/**
 * A settlement checkout's outcome, from the return page or the webhook, in any order: paid clears what the tab
 * owes once (TAB_SETTLEMENT, keyed by the tab), back to the tab receivable, or, after a write-off, to whoever bore
 * it. A second payment for a tab already settled is refunded.
 */
export async function applySettlement(tabId: string, checkout: Checkout): Promise<void> {
  await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (!tab) return;
    const { rows } = await db.query<{ id: string; seq: number; status: string; credits: string; amount_minor: string }>(
      "SELECT id, seq, status, credits, amount_minor FROM card_tab_charges WHERE tab_id = $1 AND checkout_session_id = $2",
      [tabId, checkout.id],
    );
    const charge = rows[0];
    if (!charge) return;
    if (checkout.payment !== "paid") {
      if (checkout.status === "expired" || checkout.payment === "failed") await finishCharge(db, charge.id, { status: "FAILED", failure: `checkout ${checkout.status}` });
      return;
    }
    if (checkout.amountMinor !== BigInt(charge.amount_minor)) {
      await recordAudit(db, {
        actorId: null,
        action: "stripe.payment_mismatch",
        target: { type: "card_tab", id: tab.id },
        details: { checkoutId: checkout.id, amountMinor: checkout.amountMinor.toString(), expectedMinor: charge.amount_minor },
      });
      return;
    }
    if (!(await finishCharge(db, charge.id, { status: "SUCCEEDED", paymentId: checkout.paymentId }))) return;
    if (tab.status !== "PAYMENT_DUE" && tab.status !== "WRITTEN_OFF") {
      // Paid for nothing: refunded in full, through the outbox in this same transaction, once (the key).
      if (checkout.paymentId) {
        await enqueue(db, [
          {
            key: `tab:${tab.id}:settle:${charge.seq}:late-refund`,
            kind: "card-refund",
            paymentIntentId: checkout.paymentId,
            amountMinor: checkout.amountMinor.toString(),
            idempotencyKey: `tab:${tab.id}:settle:${charge.seq}:refund`,
            metadata: { card_tab_id: tab.id, reason: "tab already settled" },
          },
        ]);
      }
      return;
    }
    await postSettlement(db, tab, BigInt(charge.credits), checkout.paymentId);
    await setTabStatus(db, tab, "CLOSED", { closeReason: "paid_after_failure", dueCredits: 0n });
    const receipt = await receiptEmail(db, tab, {
      seq: charge.seq,
      credits: BigInt(charge.credits),
      amountMinor: BigInt(charge.amount_minor),
      final: true,
      paidWith: null,
    });
    await announceTab(db, tab, "CLOSED", `Paid ${formatMinor(BigInt(charge.amount_minor), tab.currency)}: the tab is settled.`, [receipt]);
  });
}

interface WriteOffMetadata {
  bearer: "PLATFORM" | "PERFORMER";
  performerShare: string;
  platformShare: string;
}

async function postSettlement(db: PoolClient, tab: TabRow, credits: bigint, paymentId: string | null): Promise<void> {
  const legs: Leg[] = [{ account: systemAccount("gateway_clearing"), amount: -credits }];
  if (tab.status === "PAYMENT_DUE") {
    legs.push({ account: systemAccount("tab_receivable"), amount: credits });
  } else {
    const { rows } = await db.query<{ metadata: WriteOffMetadata }>("SELECT metadata FROM ledger_transactions WHERE idempotency_key = $1", [
      `tab:${tab.id}:write-off`,
    ]);
    const writeOff = rows[0]?.metadata;
    if (!writeOff) throw new Error(`tab ${tab.id} is written off without its posting`);
    if (writeOff.bearer === "PLATFORM") legs.push({ account: systemAccount("bad_debt"), amount: credits });
    else {
      // The performer bore the loss: the payment restores their share (to Earnings: it was earned long ago) and the platform's.
      const performerShare = BigInt(writeOff.performerShare);
      if (performerShare > 0n) legs.push({ account: userAccount(tab.performer_id, "earnings"), amount: performerShare });
      if (credits - performerShare > 0n) legs.push({ account: systemAccount("revenue"), amount: credits - performerShare });
    }
  }
  await post(db, {
    kind: "TAB_SETTLEMENT",
    idempotencyKey: `tab:${tab.id}:settlement`,
    request: { tabId: tab.id, credits: credits.toString() },
    actorId: tab.member_id,
    description: tab.status === "PAYMENT_DUE" ? "Card tab paid with another card" : "Written-off card tab paid",
    metadata: {
      tabId: tab.id,
      memberId: tab.member_id,
      performerId: tab.performer_id,
      credits: credits.toString(),
      cardPaymentId: paymentId,
      gateway: payments().id,
      afterWriteOff: tab.status === "WRITTEN_OFF",
    },
    legs,
  });
}

/**
 * "Hang up anyway": the performer the tab was with, or an admin, gives up what it owes. The loss is posted at once
 * (TAB_WRITE_OFF, keyed by the tab) to whoever the admin setting names, recorded on the posting and the tab; the
 * member stays restricted until they pay.
 */
export async function writeOffTab(actor: { id: string; role: "PERFORMER" | "ADMIN" }, tabId: string): Promise<void> {
  const tabs = await getSetting(pool, "tabs");
  await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (!tab || (actor.role === "PERFORMER" && tab.performer_id !== actor.id)) throw new DomainError("NOT_FOUND", "That tab does not exist.");
    if (tab.status === "WRITTEN_OFF") return;
    if (tab.status !== "PAYMENT_DUE") throw new DomainError("PRECONDITION_FAILED", "Only a tab whose card failed and that still owes money can be written off.");
    const due = BigInt(tab.due_credits);
    const plan = planWriteOff(await selectTabSales(db, tab), due, tabs.writeOffBorneBy);
    const legs: Leg[] = [{ account: systemAccount("tab_receivable"), amount: due }];
    let fromPending = 0n;
    let fromEarnings = 0n;
    if (plan.badDebt > 0n) legs.push({ account: systemAccount("bad_debt"), amount: -plan.badDebt });
    if (plan.platformShare > 0n) legs.push({ account: systemAccount("revenue"), amount: -plan.platformShare });
    if (plan.performerShare > 0n) {
      const lots = await db.query<{ id: string; remaining: string }>(
        "SELECT id, remaining FROM earnings_lots WHERE performer_id = $1 AND remaining > 0 AND matured_at IS NULL ORDER BY matures_at, id FOR UPDATE",
        [tab.performer_id],
      );
      const clawback = planEarningsClawback(lots.rows.map((lot) => ({ id: BigInt(lot.id), remaining: BigInt(lot.remaining) })), plan.performerShare);
      fromPending = clawback.fromPending;
      fromEarnings = clawback.fromAvailable;
      if (fromPending > 0n) legs.push({ account: userAccount(tab.performer_id, "pending"), amount: -fromPending });
      if (fromEarnings > 0n) legs.push({ account: userAccount(tab.performer_id, "earnings"), amount: -fromEarnings });
      for (const taken of clawback.fromLots) {
        await db.query("UPDATE earnings_lots SET remaining = remaining - $2 WHERE id = $1", [taken.id.toString(), taken.amount.toString()]);
      }
    }
    await post(db, {
      kind: "TAB_WRITE_OFF",
      idempotencyKey: `tab:${tab.id}:write-off`,
      request: { tabId: tab.id, due: due.toString() },
      actorId: actor.id,
      description: "Unpaid card tab written off",
      metadata: {
        tabId: tab.id,
        memberId: tab.member_id,
        performerId: tab.performer_id,
        due: due.toString(),
        bearer: tabs.writeOffBorneBy,
        performerShare: plan.performerShare.toString(),
        platformShare: plan.platformShare.toString(),
        badDebt: plan.badDebt.toString(),
        fromPending: fromPending.toString(),
        fromEarnings: fromEarnings.toString(),
      },
      legs,
      allowOverdraft: true,
    });
    await setTabStatus(db, tab, "WRITTEN_OFF", { writeOffBearer: tabs.writeOffBorneBy });
    await recordAudit(db, {
      actorId: actor.id,
      action: "tab.write_off",
      target: { type: "card_tab", id: tab.id },
      details: { due: due.toString(), bearer: tabs.writeOffBorneBy, performerShare: plan.performerShare.toString() },
    });
    await announceTab(
      db,
      tab,
      "WRITTEN_OFF",
      tabs.writeOffBorneBy === "PLATFORM" ? "The unpaid amount was written off; the platform bears it." : "The unpaid amount was written off; the performer bears it.",
    );
  });
}
