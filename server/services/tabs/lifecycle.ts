import "server-only";
import type { PoolClient } from "pg";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { systemAccount, userAccount } from "@/server/domain/ledger";
import { formatMinor } from "@/server/domain/money";
import { type TabAction, creditsToMinor, settleByFor, tabActionDue, tabProgress } from "@/server/domain/tabs";
import { PaymentGatewayError, payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { getSetting } from "../settings/settings";
import { endShowsForMember } from "../shows/sweep";
import { announceTab, paymentDueEmail, receiptEmail, stageNameOf } from "./notices";
import { TAB_METADATA_KIND, releaseHold } from "./opening";
import {
  type ChargeRow,
  type TabRow,
  addCaptured,
  finishCharge,
  handBackActiveWallet,
  insertCharge,
  lockTab,
  lockTabWallet,
  replaceAuthorization,
  selectChargeBySeq,
  selectCharges,
  selectLiveTabOf,
  selectMemberActiveTabShow,
  selectPendingCharge,
  selectTab,
  selectTabPosition,
  setTabFailure,
  setTabStatus,
} from "./queries";

/**
 * A card tab's life (server/domain/tabs.ts has its rules; server/ledger/README.md, "Card tabs", its postings):
 *
 *  - open (opening.ts): Checkout authorises the limit on a saved card; TAB_FUNDING makes it spendable;
 *  - spend: sales from the tab wallet, exactly as from any wallet (ledger_sale refuses another performer's, TM032);
 *  - split: when what it accrued and nobody captured reaches the split threshold, a new hold for the rest of the
 *    limit is placed on the saved card and the accrual captured from the old one (TAB_CAPTURE); the tab goes on;
 *  - close (member, performer, admin, the limit reached, a show it paid ended, or the hold about to lapse): the tab
 *    moves to SETTLING (nothing more can be spent), its shows end, the unspent limit is released (TAB_RELEASE), and
 *    what it accrued is captured once;
 *  - failure: a capture or a new hold that fails stops the tab the same way, and what nobody could capture is owed
 *    (PAYMENT_DUE, debts.ts).
 * Every card call happens outside a database transaction, between two that record what is about to happen (a
 * PENDING charge) and what happened; the processor's idempotency keys and the charge row make a repeat after a
 * crash (the sweep, a webhook) do it once.
 */

export type TabCloseReason = "member_closed" | "limit_reached" | "show_ended" | "performer_finalised" | "admin_finalised" | "expiring" | "card_failed";

/**
 * Stops a tab from spending (OPEN to SETTLING), then finishes closing it. `failure` says a card refused (a capture,
 * a new hold, an expired hold): what is left uncaptured is then owed rather than captured.
 */
export async function closeTab(tabId: string, reason: TabCloseReason, failure: string | null = null): Promise<void> {
  await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (tab?.status !== "OPEN") return;
    await setTabStatus(db, tab, "SETTLING", { closeReason: reason, failure });
    await handBackActiveWallet(db, tab.member_id);
    await announceTab(db, tab, "SETTLING", failure ? `The card tab stopped: ${failure}` : "Closing the card tab: charging the card for what it accrued.");
  });
  await finishClosing(tabId);
}

/**
 * A SETTLING tab's remaining steps, repeatable (the sweep runs it again after a crash): finish a capture under way,
 * end the shows it paid, release the unspent limit, capture what it accrued (once), or record what is owed.
 */
export async function finishClosing(tabId: string): Promise<void> {
  const tab = await selectTab(pool, tabId);
  if (tab?.status !== "SETTLING") return;
  const pending = await selectPendingCharge(pool, tabId, "CAPTURE");
  if (pending) {
    await collectCapture(tabId, pending.seq);
    return;
  }
  if (await selectMemberActiveTabShow(pool, tab.member_id)) await endShowsForMember(tab.performer_id, tab.member_id, "tab_closed");

  const next = await withTransaction(pool, async (db): Promise<{ release: string | null } | { capture: number } | null> => {
    const locked = await lockTab(db, tabId);
    if (locked?.status !== "SETTLING") return null;
    // Another closing got here first and its capture is under way: it finishes the tab.
    if (await selectPendingCharge(db, tabId, "CAPTURE")) return null;
    await lockTabWallet(db, locked.member_id);
    const position = await selectTabPosition(db, locked);
    if (position.heldCredits > 0n) throw new Error(`tab ${tabId} still holds ${position.heldCredits} credits for a show; the sweep finishes it`);
    await releaseUnspent(db, locked, position.walletCredits);
    const { uncaptured } = tabProgress(position);
    if (uncaptured === 0n) {
      await setTabStatus(db, locked, "CLOSED");
      await announceTab(db, locked, "CLOSED", locked.failure ? `The card tab closed: ${locked.failure}` : "The card tab is closed; nothing more was charged.");
      return { release: locked.authorization_id };
    }
    if (locked.failure) {
      await owe(db, locked, uncaptured, locked.failure);
      return null;
    }
    const alreadyCaptured = (await selectCharges(db, tabId)).some((charge) => charge.status === "SUCCEEDED" && charge.payment_id === locked.authorization_id);
    const charge = await insertCharge(db, {
      tabId,
      kind: "CAPTURE",
      credits: uncaptured,
      amountMinor: creditsToMinor(uncaptured, BigInt(locked.credit_price_minor)),
      paymentId: alreadyCaptured ? null : locked.authorization_id,
    });
    return { capture: charge.seq };
  });
  if (next && "capture" in next) await collectCapture(tabId, next.capture);
  else if (next?.release) await releaseHold(next.release);
}

async function releaseUnspent(db: PoolClient, tab: TabRow, unspent: bigint): Promise<void> {
  if (unspent === 0n) return;
  await post(db, {
    kind: "TAB_RELEASE",
    idempotencyKey: `tab:${tab.id}:release`,
    request: { tabId: tab.id, credits: unspent.toString() },
    actorId: null,
    description: "Unused card tab limit released",
    metadata: { tabId: tab.id, performerId: tab.performer_id, credits: unspent.toString() },
    legs: [
      { account: userAccount(tab.member_id, "tab"), amount: -unspent },
      { account: systemAccount("tab_receivable"), amount: unspent },
    ],
  });
}

/** The card could not pay `due` credits: the member owes them (debts.ts pays or writes them off). */
async function owe(db: PoolClient, tab: TabRow, due: bigint, failure: string): Promise<void> {
  await setTabStatus(db, tab, "PAYMENT_DUE", { dueCredits: due, failure });
  await announceTab(db, tab, "PAYMENT_DUE", `The card could not be charged: ${failure}`, [await paymentDueEmail(db, tab, due, failure)]);
}

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Collects one capture: for a tab that goes on (a split), first a new hold for the rest of its limit on the saved
 * card; then the capture of the old hold (or, when that hold was captured before, a fresh hold captured at once).
 * A capture the processor already made (a repeat after a crash) is recognised by reading the hold back.
 */
export async function collectCapture(tabId: string, seq: number): Promise<void> {
  const tab = await selectTab(pool, tabId);
  const charge = await selectChargeBySeq(pool, tabId, seq);
  if (!tab || !charge || charge.status !== "PENDING" || charge.kind !== "CAPTURE") return;
  const gateway = payments();
  const price = BigInt(tab.credit_price_minor);
  const amountMinor = BigInt(charge.amount_minor);
  const stageName = await stageNameOf(pool, tab.performer_id);

  let paymentId = charge.payment_id;
  if (!paymentId) {
    const fresh = await authorizeOnSavedCard(tab, amountMinor, `tab:${tab.id}:charge:${seq}`, stageName);
    if (fresh.status === "declined") return failCapture(tab, charge, fresh.reason);
    paymentId = fresh.id;
    await pool.query("UPDATE card_tab_charges SET payment_id = $2 WHERE id = $1 AND payment_id IS NULL", [charge.id, paymentId]);
  }

  const goesOn = tab.status === "OPEN";
  const restCredits = BigInt(tab.limit_credits) - BigInt(tab.captured_credits) - BigInt(charge.credits);
  const newHold = goesOn && restCredits > 0n ? await authorizeOnSavedCard(tab, creditsToMinor(restCredits, price), `tab:${tab.id}:hold:${seq}`, stageName) : null;

  try {
    await gateway.capture(paymentId, amountMinor);
  } catch (error) {
    if (!(error instanceof PaymentGatewayError) || error.kind === "unavailable") throw error;
    const state = await gateway.readAuthorization(paymentId);
    if (!(state.status === "captured" && state.capturedMinor === amountMinor)) {
      if (newHold?.status === "authorized") await releaseHold(newHold.id);
      return failCapture(tab, charge, failureText(error));
    }
  }
  const paidWith = tab.payment_method_label;
  const outcome = await withTransaction(pool, async (db) => {
    const locked = await lockTab(db, tabId);
    if (!locked || !(await finishCharge(db, charge.id, { status: "SUCCEEDED", paymentId }))) return { heldOn: false, refusedHold: null };
    await postCapture(db, locked, charge, paymentId);
    const final = locked.status === "SETTLING";
    const receipt = await receiptEmail(db, locked, { seq, credits: BigInt(charge.credits), amountMinor, final, paidWith });
    const heldOn = locked.status === "OPEN" && newHold?.status === "authorized";
    if (heldOn) {
      const tabs = await getSetting(db, "tabs");
      await replaceAuthorization(db, tabId, newHold.id, settleByFor(new Date(), tabs.settleAfterHours));
    }
    await announceTab(db, locked, locked.status, `Charged ${formatMinor(amountMinor, locked.currency)} to the card.`, [receipt]);
    return { heldOn, refusedHold: locked.status === "OPEN" && newHold?.status === "declined" ? newHold.reason : null };
  });
  // A new hold the tab does not go on with (it closed meanwhile, or another run already recorded this capture).
  if (!outcome.heldOn && newHold?.status === "authorized") {
    const current = await selectTab(pool, tabId);
    if (current?.authorization_id !== newHold.id) await releaseHold(newHold.id);
  }
  if (outcome.refusedHold) await closeTab(tabId, "card_failed", `the card refused a new hold (${outcome.refusedHold})`);
  else await finishClosing(tabId);
}

async function authorizeOnSavedCard(tab: TabRow, amountMinor: bigint, idempotencyKey: string, stageName: string) {
  if (!tab.payment_method_ref || !tab.customer_ref) return { status: "declined" as const, id: null, reason: "no card is saved for this tab" };
  return payments().authorize({
    paymentMethod: tab.payment_method_ref,
    customer: tab.customer_ref,
    amountMinor,
    currency: tab.currency,
    description: `Card tab with ${stageName}`,
    metadata: { kind: TAB_METADATA_KIND, card_tab_id: tab.id, purpose: "hold" },
    idempotencyKey,
  });
}

async function postCapture(db: PoolClient, tab: TabRow, charge: ChargeRow, paymentId: string): Promise<void> {
  const credits = BigInt(charge.credits);
  await post(db, {
    kind: "TAB_CAPTURE",
    idempotencyKey: `tab:${tab.id}:capture:${charge.seq}`,
    request: { tabId: tab.id, seq: charge.seq, credits: charge.credits },
    actorId: null,
    description: "Card tab charged",
    metadata: {
      tabId: tab.id,
      memberId: tab.member_id,
      performerId: tab.performer_id,
      seq: charge.seq,
      credits: charge.credits,
      amountMinor: charge.amount_minor,
      currency: tab.currency,
      cardPaymentId: paymentId,
      gateway: payments().id,
    },
    legs: [
      { account: systemAccount("gateway_clearing"), amount: -credits },
      { account: systemAccount("tab_receivable"), amount: credits },
    ],
  });
  await addCaptured(db, tab.id, credits);
}

/** A capture the card refused: the charge is failed and the tab stops; what it accrued uncaptured is then owed. */
async function failCapture(tab: TabRow, charge: ChargeRow, reason: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    const locked = await lockTab(db, tab.id);
    if (!locked || !(await finishCharge(db, charge.id, { status: "FAILED", failure: reason }))) return;
    if (locked.status === "SETTLING") await setTabFailure(db, tab.id, `the card refused the charge (${reason})`);
  });
  const now = await selectTab(pool, tab.id);
  if (now?.status === "OPEN") await closeTab(tab.id, "card_failed", `the card refused the charge (${reason})`);
  else await finishClosing(tab.id);
}

/** What the sweep or a charge finds a tab should do now, done: a split capture, or closing it. */
export async function actOnTab(tabId: string, now = new Date()): Promise<TabAction> {
  const tab = await selectTab(pool, tabId);
  if (tab?.status !== "OPEN") return "none";
  if (await selectPendingCharge(pool, tabId, "CAPTURE")) return "none";
  const position = await selectTabPosition(pool, tab);
  const action = tabActionDue({
    progress: tabProgress(position),
    splitThreshold: tab.split_threshold === null ? null : BigInt(tab.split_threshold),
    settleBy: tab.settle_by,
    now,
  });
  if (action === "close") {
    await closeTab(tabId, tabProgress(position).left === 0n ? "limit_reached" : "expiring");
  } else if (action === "split") {
    const seq = await startSplit(tabId);
    if (seq !== null) await collectCapture(tabId, seq);
  }
  return action;
}

/** Records the split capture about to be made, for exactly what the tab accrued uncaptured at this moment. */
async function startSplit(tabId: string): Promise<number | null> {
  return withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (tab?.status !== "OPEN" || tab.split_threshold === null || !tab.authorization_id) return null;
    await lockTabWallet(db, tab.member_id);
    if (await selectPendingCharge(db, tabId, "CAPTURE")) return null;
    const { uncaptured } = tabProgress(await selectTabPosition(db, tab));
    if (uncaptured < BigInt(tab.split_threshold)) return null;
    const charge = await insertCharge(db, {
      tabId,
      kind: "CAPTURE",
      credits: uncaptured,
      amountMinor: creditsToMinor(uncaptured, BigInt(tab.credit_price_minor)),
      paymentId: tab.authorization_id,
    });
    return charge.seq;
  });
}

/** The member's tab after a show it paid ended and they left: settled at once. */
export async function closeTabAfterShow(memberId: string, performerId: string): Promise<void> {
  const tab = await selectLiveTabOf(pool, memberId);
  if (tab?.status === "OPEN" && tab.performer_id === performerId) await closeTab(tab.id, "show_ended");
}
