import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { systemAccount, userAccount } from "@/server/domain/ledger";
import { formatMinor, parseUnits } from "@/server/domain/money";
import { creditsToMinor, settleByFor, splitThresholdFor, tabLimitCredits } from "@/server/domain/tabs";
import { env } from "@/server/env";
import { type Checkout, PaymentGatewayError, payments } from "@/server/integrations/payments";
import { post } from "@/server/ledger/post";
import { recordAudit } from "../audit/record";
import { findSellingPerformer } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { announceTab, stageNameOf } from "./notices";
import {
  type TabRow,
  insertPaymentCustomer,
  insertTab,
  lockTab,
  makeTabActive,
  markTabOpen,
  selectLiveTabOf,
  selectPaymentCustomer,
  selectTab,
  setOpeningCheckout,
  setTabStatus,
} from "./queries";

/**
 * Opening a card tab: the member picks a limit, Checkout authorises it on a card it saves (manual capture); once
 * authorised, TAB_FUNDING makes the limit spendable in their tab wallet against the tab receivable, the tab is
 * OPEN and becomes the wallet that pays in rooms. lifecycle.ts takes it from there.
 */

export const TAB_METADATA_KIND = "card_tab";

/**
 * How long the pay page that opens a tab stays open. Stripe refuses an expiry under 30 minutes from the session's
 * creation, which a request crossing the network reaches after it was sent; an hour leaves room.
 */
export const OPENING_CHECKOUT_MINUTES = 60;

const moneyText = z.string().trim().min(1, "Enter a limit.").max(16, "Enter a limit such as 20 or 50.00.");

export const openTabSchema = z.object({
  performerId: z.uuid(),
  limit: moneyText,
  /** Where the member came from, to return to if they leave the pay page. */
  returnTo: z
    .string()
    .regex(/^\/[A-Za-z0-9/_\-?=&.%]*$/, "Return to a page of this site.")
    .max(200)
    .optional(),
});

export interface TabOpening {
  tabId: string;
  checkoutUrl: string;
}

async function customerFor(memberId: string): Promise<string> {
  const gateway = payments();
  const known = await selectPaymentCustomer(pool, memberId, gateway.id);
  if (known) return known;
  const { rows } = await pool.query<{ email: string }>("SELECT email FROM users WHERE id = $1", [memberId]);
  const reference = await gateway.createCustomer({ email: rows[0]?.email, metadata: { user_id: memberId }, idempotencyKey: `customer:${memberId}` });
  await insertPaymentCustomer(pool, memberId, gateway.id, reference);
  return (await selectPaymentCustomer(pool, memberId, gateway.id)) ?? reference;
}

async function assertMayOpen(memberId: string): Promise<void> {
  const { rows } = await pool.query<{ role: string; status: string; restricted: boolean }>(
    `SELECT u.role, u.status, EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.owner_id = u.id AND a.restricted) AS restricted
       FROM users u WHERE u.id = $1`,
    [memberId],
  );
  const member = rows[0];
  if (!member || member.role !== "MEMBER" || member.status !== "ACTIVE") throw new DomainError("FORBIDDEN", "Only members in good standing can open a card tab.");
  if (member.restricted) throw new DomainError("ACCOUNT_RESTRICTED", "Your account is restricted until its negative balance is settled, so you can't open a card tab.");
}

/**
 * Opens a tab: checks everything first (limit, performer, the member), then the tab row (one live tab per member,
 * by a unique column), then the Checkout that authorises the limit and saves the card. The same performer asked
 * again while the pay page is open gets the same page.
 */
export async function openTab(memberId: string, input: z.input<typeof openTabSchema>): Promise<TabOpening> {
  const { performerId, limit, returnTo } = openTabSchema.parse(input);
  await assertMayOpen(memberId);
  const [tabs, store] = await Promise.all([getSetting(pool, "tabs"), getSetting(pool, "store")]);
  const limitMinor = parseUnits(limit.replace(/^\$/, ""), 2);
  if (limitMinor === null) throw new DomainError("BAD_REQUEST", "Enter a limit such as 20 or 50.00.");
  const limitCredits = tabLimitCredits(limitMinor, { ...tabs, currency: store.currency, creditPriceMinor: store.creditPriceMinor });
  const performer = await findSellingPerformer(pool, { performerId });
  if (performer.id === memberId) throw new DomainError("FORBIDDEN", "You cannot open a tab with yourself.");

  const live = await selectLiveTabOf(pool, memberId);
  if (live) return reuseOpening(live, performer.id);

  const { rows } = await pool.query<{ tab_split_threshold: string | null }>("SELECT tab_split_threshold FROM rooms WHERE performer_id = $1", [performer.id]);
  const roomThreshold = rows[0]?.tab_split_threshold;
  const splitThreshold = splitThresholdFor({
    roomThreshold: roomThreshold ? BigInt(roomThreshold) : null,
    siteDefault: tabs.defaultSplitThreshold,
    performersMaySet: tabs.performersMaySetSplit,
  });
  const customerRef = await customerFor(memberId);
  const tab = await insertTab(pool, {
    memberId,
    performerId: performer.id,
    currency: store.currency,
    creditPriceMinor: store.creditPriceMinor,
    limitCredits,
    splitThreshold,
    customerRef,
  });
  if (!tab) {
    const concurrent = await selectLiveTabOf(pool, memberId);
    if (!concurrent) throw new DomainError("CONFLICT", "Your tab could not be opened just now; please try again.");
    return reuseOpening(concurrent, performer.id);
  }
  const checkout = await payments().createCheckout({
    amountMinor: limitMinor,
    currency: store.currency,
    description: `Card tab with ${performer.stageName}: up to ${formatMinor(limitMinor, store.currency)}`,
    saveCardFor: customerRef,
    captureLater: true,
    reference: tab.id,
    metadata: { kind: TAB_METADATA_KIND, card_tab_id: tab.id, purpose: "open" },
    successUrl: `${env.APP_URL}/tabs/${tab.id}`,
    cancelUrl: `${env.APP_URL}${returnTo ?? `/tabs/${tab.id}`}`,
    expiresAt: new Date(Date.now() + OPENING_CHECKOUT_MINUTES * 60_000),
    idempotencyKey: `tab:${tab.id}:opening`,
  });
  await setOpeningCheckout(pool, tab.id, checkout.id);
  if (!checkout.url) throw new Error(`checkout ${checkout.id} has no url`);
  return { tabId: tab.id, checkoutUrl: checkout.url };
}

async function reuseOpening(live: TabRow, performerId: string): Promise<TabOpening> {
  const stageName = await stageNameOf(pool, live.performer_id);
  if (live.status === "OPENING" && live.opening_checkout_id) {
    const checkout = await payments().readCheckout(live.opening_checkout_id);
    if (live.performer_id === performerId && checkout.status === "open" && checkout.url) return { tabId: live.id, checkoutUrl: checkout.url };
    await applyOpening(live.id, await payments().closeCheckout(live.opening_checkout_id));
    const after = await selectTab(pool, live.id);
    if (after?.status === "CANCELED") throw new DomainError("CONFLICT", "Your earlier tab was not authorised and is now cancelled; please open the tab again.");
  }
  if (live.status === "PAYMENT_DUE" || live.status === "WRITTEN_OFF") {
    throw new DomainError("ACCOUNT_RESTRICTED", `Your card tab with ${stageName} still owes money; pay it before opening another.`);
  }
  throw new DomainError("CONFLICT", `You already have a card tab with ${stageName}; close it before opening another.`);
}

/**
 * What an opening checkout's outcome means for its tab (from the return page, the webhook or the sweep, in any
 * order and as often as they come): authorised funds the tab once; expired or failed cancels a tab still opening.
 * A hold that arrives for a tab no longer opening is released.
 */
export async function applyOpening(tabId: string, checkout: Checkout): Promise<void> {
  const authorized = checkout.payment === "authorized" && checkout.paymentId !== null;
  const method = authorized && checkout.paymentId ? await payments().paymentMethodOf(checkout.paymentId) : null;
  const tabs = await getSetting(pool, "tabs");
  const strayHold = await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (!tab) return null;
    if (tab.status !== "OPENING") return authorized && checkout.paymentId !== tab.authorization_id ? checkout.paymentId : null;
    if (!authorized || !checkout.paymentId) {
      if (checkout.status === "expired" || checkout.payment === "failed") {
        await setTabStatus(db, tab, "CANCELED", { closeReason: "not_authorised" });
        await announceTab(db, tab, "CANCELED", "The card was not authorised, so the tab did not open.");
      }
      return null;
    }
    const limitMinor = creditsToMinor(BigInt(tab.limit_credits), BigInt(tab.credit_price_minor));
    if (checkout.amountMinor !== limitMinor || checkout.currency.toLowerCase() !== tab.currency.toLowerCase()) {
      await recordAudit(db, {
        actorId: null,
        action: "stripe.payment_mismatch",
        target: { type: "card_tab", id: tab.id },
        details: { checkoutId: checkout.id, amountMinor: checkout.amountMinor.toString(), currency: checkout.currency, expectedMinor: limitMinor.toString() },
      });
      return checkout.paymentId;
    }
    const stageName = await stageNameOf(db, tab.performer_id);
    const limitCredits = BigInt(tab.limit_credits);
    await post(db, {
      kind: "TAB_FUNDING",
      idempotencyKey: `tab:${tab.id}:funding`,
      request: { tabId: tab.id, authorizationId: checkout.paymentId, limitCredits: tab.limit_credits },
      actorId: tab.member_id,
      description: `Card tab with ${stageName}`,
      metadata: { tabId: tab.id, performerId: tab.performer_id, authorizationId: checkout.paymentId, limitCredits: tab.limit_credits },
      legs: [
        { account: userAccount(tab.member_id, "tab"), amount: limitCredits },
        { account: systemAccount("tab_receivable"), amount: -limitCredits },
      ],
    });
    await markTabOpen(db, tab.id, {
      authorizationId: checkout.paymentId,
      paymentMethodRef: method?.reference ?? null,
      paymentMethodLabel: method?.label ?? null,
      settleBy: settleByFor(new Date(), tabs.settleAfterHours),
    });
    await makeTabActive(db, tab.member_id);
    await announceTab(db, tab, "OPEN", `Card tab open with ${stageName}: up to ${formatMinor(limitMinor, tab.currency)}.`);
    return null;
  });
  if (strayHold) await releaseHold(strayHold);
}

/** Lets a hold go without charging it; one already captured or released needs nothing. */
export async function releaseHold(authorizationId: string): Promise<void> {
  try {
    await payments().cancelAuthorization(authorizationId);
  } catch (error) {
    // A hold already captured or released needs nothing; any other it lapses by itself within days.
    if (!(error instanceof PaymentGatewayError && error.kind === "refused")) console.error(`hold ${authorizationId} not released`, error);
  }
}

/** An opening whose pay page was never created (a crash before it): nothing was authorised, so it is cancelled. */
export async function cancelUnstartedOpening(tabId: string): Promise<void> {
  await withTransaction(pool, async (db) => {
    const tab = await lockTab(db, tabId);
    if (tab?.status !== "OPENING" || tab.opening_checkout_id) return;
    await setTabStatus(db, tab, "CANCELED", { closeReason: "not_authorised" });
    await announceTab(db, tab, "CANCELED", "The tab did not open.");
  });
}

/** The return page and the sweep ask the processor where an opening tab is. */
export async function refreshOpening(tabId: string): Promise<void> {
  const tab = await selectTab(pool, tabId);
  if (tab?.status !== "OPENING" || !tab.opening_checkout_id) return;
  await applyOpening(tabId, await payments().readCheckout(tab.opening_checkout_id));
}
