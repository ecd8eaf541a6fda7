import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import type { OutgoingEmail } from "@/server/integrations/email";
import { startStripeWebhooksHarness, waitUntil, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Card tabs end to end below the browser: the real `stripe` SDK against the emulator, whose signed webhooks reach
 * the real route handler, on real PostgreSQL. Environment first, app modules after (server/env parses once).
 */
const API_KEY = "sk_test_tabs_int";
const WEBHOOK_SECRET = "whsec_tabs_int";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    sent.push(message);
  }),
}));

let harness: StripeWebhooksHarness;
let app: {
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  callerAs: typeof import("@/server/testing/api").callerAs;
  refusalCodeOf: typeof import("@/server/testing/api").refusalCodeOf;
  ledgerRowCounts: typeof import("@/server/testing/api").ledgerRowCounts;
  expectLedgerInvariantsHold: typeof import("@/server/testing/api").expectLedgerInvariantsHold;
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  setSetting: typeof import("../settings/settings").setSetting;
  stripe: typeof import("@/server/integrations/payments/stripe/client").stripe;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makeMember: typeof import("@/server/testing/users").makeMember;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  deliverOutbox: () => Promise<unknown>;
  tabs: typeof import(".");
  shows: typeof import("../shows");
  rooms: typeof import("../rooms");
};

let admin: SessionUser;
let luna: SessionUser;
let nova: SessionUser;

beforeAll(async () => {
  harness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
  const [db, api, balances, factories, settings, stripeModule, users, relay, tabs, shows, rooms] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("@/server/ledger/balances"),
    import("@/server/testing/factories"),
    import("../settings/settings"),
    import("@/server/integrations/payments/stripe/client"),
    import("@/server/testing/users"),
    import("@/server/outbox/relay"),
    import("."),
    import("../shows"),
    import("../rooms"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    callerAs: api.callerAs,
    refusalCodeOf: api.refusalCodeOf,
    ledgerRowCounts: api.ledgerRowCounts,
    expectLedgerInvariantsHold: api.expectLedgerInvariantsHold,
    walletBalances: balances.walletBalances,
    fundUser: factories.fundUser,
    setSetting: settings.setSetting,
    stripe: stripeModule.stripe,
    makeAdmin: users.makeAdmin,
    makeMember: users.makeMember,
    makePerformer: users.makePerformer,
    deliverOutbox: () => relay.deliverAllDue(db.pool),
    tabs,
    shows,
    rooms,
  };
  admin = await app.makeAdmin();
  luna = await app.makePerformer(admin, "Luna Vale");
  nova = await app.makePerformer(admin, "Nova Ray");
  for (const kind of ["TIP", "PRIVATE_SHOW"] as const) await app.callerAs(admin).commissions.set({ kind, performerShareBps: 8000 });
});

afterAll(async () => {
  await app?.closeDb();
  await harness?.close();
});

beforeEach(async () => {
  await app.deliverOutbox();
  sent.length = 0;
});

afterEach(async () => {
  await app.expectLedgerInvariantsHold();
});

interface TabRowSeen {
  status: string;
  opening_checkout_id: string | null;
  authorization_id: string | null;
  payment_method_ref: string | null;
  captured_credits: string;
  due_credits: string;
  failure: string | null;
  write_off_bearer: string | null;
}

async function tabRow(tabId: string): Promise<TabRowSeen> {
  const { rows } = await app.pool.query<TabRowSeen>("SELECT * FROM card_tabs WHERE id = $1", [tabId]);
  const row = rows[0];
  if (!row) throw new Error(`no tab ${tabId}`);
  return row;
}

async function chargesOf(tabId: string): Promise<{ seq: number; kind: string; status: string; credits: string; amount_minor: string; payment_id: string | null }[]> {
  const { rows } = await app.pool.query<{ seq: number; kind: string; status: string; credits: string; amount_minor: string; payment_id: string | null }>(
    "SELECT seq, kind, status, credits, amount_minor, payment_id FROM card_tab_charges WHERE tab_id = $1 ORDER BY seq",
    [tabId],
  );
  return rows;
}

/** The tab's postings, oldest first, as "KIND key-suffix". */
async function postingsOf(tabId: string): Promise<string[]> {
  const { rows } = await app.pool.query<{ kind: string; idempotency_key: string }>(
    "SELECT kind, idempotency_key FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
    [`tab:${tabId}:%`],
  );
  return rows.map((row) => `${row.kind} ${row.idempotency_key.slice(`tab:${tabId}:`.length)}`);
}

async function pendingOf(userId: string): Promise<bigint> {
  return (await app.walletBalances(app.pool, userId)).pending;
}

/** A member opens a tab with `performer` and authorises it on the pay page (with `card`, the emulator's button). */
async function openedTab(member: SessionUser, performer: SessionUser, limit = "20"): Promise<string> {
  const opening = await app.callerAs(member).tabs.open({ performerId: performer.id, limit });
  expect(opening.checkoutUrl).toMatch(/\/pay\/cs_test_/);
  const sessionId = (await tabRow(opening.tabId)).opening_checkout_id as string;
  const session = await app.stripe().checkout.sessions.retrieve(sessionId);
  expect(session).toMatchObject({ metadata: { kind: "card_tab", card_tab_id: opening.tabId, purpose: "open" } });
  expect((await harness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" })).ok).toBe(true);
  await harness.answered("checkout.session.completed", sessionId);
  expect((await tabRow(opening.tabId)).status).toBe("OPEN");
  return opening.tabId;
}

async function tip(member: SessionUser, performer: SessionUser, amount: bigint) {
  return app.callerAs(member).tips.send({ performerId: performer.id, amount, idempotencyKey: randomUUID() });
}

async function intentOf(paymentId: string) {
  return app.stripe().paymentIntents.retrieve(paymentId);
}

describe("opening a tab", () => {
  it("authorises the limit on a saved card and makes it the wallet that pays in rooms", async () => {
    const member = await app.makeMember("tab-opener");
    const tabId = await openedTab(member, luna, "20");
    const row = await tabRow(tabId);
    const intent = await intentOf(row.authorization_id as string);
    expect(intent).toMatchObject({ status: "requires_capture", amount_capturable: 2000, capture_method: "manual" });
    expect(row.payment_method_ref).toMatch(/^pm_/);
    expect((await app.walletBalances(app.pool, member.id)).wallets.tab).toBe(200n);
    expect((await app.callerAs(member).walletPreferences.get()).activeWalletTypeId).toBe("tab");
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding"]);
    const view = await app.callerAs(member).tabs.mine();
    expect(view).toMatchObject({ status: "OPEN", limitCredits: 200n, limitMinor: 2000n, accrued: 0n, left: 200n });
  });

  it("refuses bad limits, performers, a second tab and another performer's room, posting and authorising nothing", async () => {
    const member = await app.makeMember("tab-bad");
    expect(await app.refusalCodeOf(() => app.callerAs(member).walletPreferences.setActive({ walletTypeId: "tab" }))).toBe("PRECONDITION_FAILED");
    const before = await app.ledgerRowCounts();
    for (const limit of ["5", "1000", "twenty", "20.005", "-20"]) {
      expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.open({ performerId: luna.id, limit }))).toBe("BAD_REQUEST");
    }
    expect(await app.refusalCodeOf(() => app.callerAs(luna).tabs.open({ performerId: nova.id, limit: "20" }))).toBe("FORBIDDEN");
    expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.open({ performerId: randomUUID(), limit: "20" }))).toBe("NOT_FOUND");
    expect(await app.ledgerRowCounts()).toEqual(before);
    const { rows } = await app.pool.query("SELECT 1 FROM card_tabs WHERE member_id = $1", [member.id]);
    expect(rows).toHaveLength(0);

    const tabId = await openedTab(member, luna);
    expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.open({ performerId: luna.id, limit: "20" }))).toBe("CONFLICT");
    expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.open({ performerId: nova.id, limit: "20" }))).toBe("CONFLICT");
    const counts = await app.ledgerRowCounts();
    expect(await app.refusalCodeOf(() => tip(member, nova, 10n))).toBe("PRECONDITION_FAILED");
    expect(await app.refusalCodeOf(() => tip(member, luna, 201n))).toBe("INSUFFICIENT_FUNDS");
    expect(await app.ledgerRowCounts()).toEqual(counts);
    await expect(tip(member, luna, 201n)).rejects.toThrow("more than is left on your card tab (200 credits)");
    // Another member and another performer see nothing of it.
    const other = await app.makeMember("tab-other");
    expect(await app.refusalCodeOf(() => app.callerAs(other).tabs.get({ tabId }))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(other).tabs.close({ tabId }))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(nova).tabs.finalise({ tabId }))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.finalise({ tabId }))).toBe("FORBIDDEN");
    expect(await app.refusalCodeOf(() => app.callerAs(luna).tabs.writeOff({ tabId }))).toBe("PRECONDITION_FAILED");
    await app.callerAs(member).tabs.close({ tabId });
  });
});

describe("spending and settling a tab", () => {
  it("accrues tips and show minutes and captures exactly what it accrued, once, with one receipt", async () => {
    const member = await app.makeMember("tab-spender");
    const tabId = await openedTab(member, luna, "20");
    const lunaPending = await pendingOf(luna.id);
    await tip(member, luna, 30n);
    await tip(member, luna, 15n);

    await app.rooms.setRoomOnline(luna, { online: true });
    const { rows: clock } = await app.pool.query<{ now: Date }>("SELECT now() AS now");
    const start = (clock[0]?.now ?? new Date()).getTime();
    const at = (seconds: number) => ({ at: new Date(start + seconds * 1000) });
    const requested = await app.shows.requestPrivateShow(member, { performerId: luna.id, idempotencyKey: randomUUID() }, at(0));
    await app.shows.respondToRequest(luna, { showId: requested.showId, accept: true }, at(0));
    const { rows } = await app.pool.query<{ wallet_type_id: string }>("SELECT wallet_type_id FROM show_participants WHERE show_id = $1", [requested.showId]);
    expect(rows[0]?.wallet_type_id).toBe("tab");
    for (const second of [15, 30, 45, 60, 75, 90]) {
      await app.shows.heartbeat(member, { showId: requested.showId }, at(second));
      await app.shows.heartbeat(luna, { showId: requested.showId }, at(second));
      await app.shows.runShowSweep(at(second));
    }
    await app.shows.endShow(member, { showId: requested.showId }, at(90));
    await app.rooms.setRoomOnline(luna, { online: false });
    const showCharged = (await app.pool.query<{ settled: string }>("SELECT settled FROM show_participants WHERE show_id = $1", [requested.showId])).rows[0]?.settled;
    const accrued = 45n + BigInt(showCharged ?? "0");
    expect(BigInt(showCharged ?? "0")).toBeGreaterThan(0n);

    const view = await app.callerAs(member).tabs.mine();
    expect(view).toMatchObject({ accrued, left: 200n - accrued, captured: 0n });

    await app.callerAs(member).tabs.close({ tabId });
    const charges = await chargesOf(tabId);
    expect(charges).toEqual([expect.objectContaining({ seq: 1, kind: "CAPTURE", status: "SUCCEEDED", credits: accrued.toString(), amount_minor: (accrued * 10n).toString() })]);
    const row = await tabRow(tabId);
    expect(row).toMatchObject({ status: "CLOSED", captured_credits: accrued.toString() });
    const intent = await intentOf(row.authorization_id as string);
    expect(intent).toMatchObject({ status: "succeeded", amount_received: Number(accrued * 10n) });
    expect((await app.walletBalances(app.pool, member.id)).wallets.tab).toBe(0n);
    expect((await app.callerAs(member).walletPreferences.get()).activeWalletTypeId).toBe("credits");
    expect(await pendingOf(luna.id)).toBeGreaterThan(lunaPending);
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_RELEASE release", "TAB_CAPTURE capture:1"]);

    await app.deliverOutbox();
    const receipts = sent.filter((email) => email.subject.startsWith("Receipt: your card tab"));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.text).toContain(`$${(Number(accrued) / 10).toFixed(2)}`);

    // Closing again, finalising and every webhook replayed three times change nothing.
    await app.callerAs(member).tabs.close({ tabId }).catch(() => undefined);
    const eventsOfTab = (await harness.events()).filter((event) => JSON.stringify(event.data.object).includes(row.authorization_id as string));
    const answered = harness.outcomes.length;
    for (let round = 0; round < 3; round++) for (const event of eventsOfTab.reverse()) await harness.controlResponse(`/resend/${event.id}`);
    await waitUntil(async () => harness.outcomes.length >= answered + eventsOfTab.length * 3, "the replays");
    expect(harness.outcomes.slice(answered).every((outcome) => outcome.status === 200)).toBe(true);
    expect(await chargesOf(tabId)).toHaveLength(1);
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_RELEASE release", "TAB_CAPTURE capture:1"]);
  });

  it("closes itself when the limit is reached, capturing the whole authorisation", async () => {
    const member = await app.makeMember("tab-limit");
    const tabId = await openedTab(member, luna, "20");
    await tip(member, luna, 200n);
    expect(await app.tabs.runTabSweep()).toBeUndefined();
    const row = await tabRow(tabId);
    expect(row).toMatchObject({ status: "CLOSED", captured_credits: "200" });
    expect(await intentOf(row.authorization_id as string)).toMatchObject({ status: "succeeded", amount_received: 2000 });
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_CAPTURE capture:1"]);
  });

  it("splits at the room's threshold: captures that part at once and holds the rest of the limit again", async () => {
    await app.pool.query(
      "INSERT INTO rooms (performer_id, tab_split_threshold) VALUES ($1, 50) ON CONFLICT (performer_id) DO UPDATE SET tab_split_threshold = 50",
      [nova.id],
    );
    const member = await app.makeMember("tab-split");
    const tabId = await openedTab(member, nova, "20");
    const firstHold = (await tabRow(tabId)).authorization_id as string;
    await tip(member, nova, 30n);
    await app.tabs.runTabSweep();
    expect(await chargesOf(tabId)).toEqual([]);
    await tip(member, nova, 25n);
    await app.tabs.runTabSweep();

    const afterSplit = await tabRow(tabId);
    expect(afterSplit).toMatchObject({ status: "OPEN", captured_credits: "55" });
    expect(afterSplit.authorization_id).not.toBe(firstHold);
    expect(await intentOf(firstHold)).toMatchObject({ status: "succeeded", amount_received: 550 });
    expect(await intentOf(afterSplit.authorization_id as string)).toMatchObject({ status: "requires_capture", amount_capturable: 1450, customer: expect.any(String) });
    const view = await app.callerAs(member).tabs.get({ tabId });
    expect(view).toMatchObject({ accrued: 55n, captured: 55n, uncaptured: 0n, left: 145n, paidMinor: 550n });

    await tip(member, nova, 10n);
    await app.callerAs(nova).tabs.finalise({ tabId });
    expect(await chargesOf(tabId)).toEqual([
      expect.objectContaining({ seq: 1, status: "SUCCEEDED", credits: "55", payment_id: firstHold }),
      expect.objectContaining({ seq: 2, status: "SUCCEEDED", credits: "10", payment_id: afterSplit.authorization_id }),
    ]);
    expect(await tabRow(tabId)).toMatchObject({ status: "CLOSED", captured_credits: "65" });
    await app.pool.query("UPDATE rooms SET tab_split_threshold = NULL WHERE performer_id = $1", [nova.id]);
  });

  it("heals a capture whose answer was lost: the processor's webhook posts it once", async () => {
    const Stripe = (await import("stripe")).default;
    const member = await app.makeMember("tab-crash");
    const tabId = await openedTab(member, luna, "20");
    await tip(member, luna, 35n);
    const hold = (await tabRow(tabId)).authorization_id as string;
    const intents = app.stripe().paymentIntents;
    const capture = intents.capture.bind(intents);
    const lost = vi.spyOn(intents, "capture").mockImplementationOnce(async (...args: Parameters<typeof capture>) => {
      await capture(...args);
      throw new Stripe.errors.StripeConnectionError({ message: "connection reset after the capture" });
    });
    await expect(app.callerAs(member).tabs.close({ tabId })).rejects.toThrow();
    lost.mockRestore();
    expect(await intentOf(hold)).toMatchObject({ status: "succeeded", amount_received: 350 });
    await harness.answered("payment_intent.succeeded", hold);
    await waitUntil(async () => (await tabRow(tabId)).status === "CLOSED", "the tab healed by the webhook");
    expect(await chargesOf(tabId)).toEqual([expect.objectContaining({ status: "SUCCEEDED", credits: "35" })]);
    await app.tabs.runTabSweep();
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_RELEASE release", "TAB_CAPTURE capture:1"]);
  });

  it("a refund and a dispute of a capture take the money back as bad debt, once each, and a won dispute returns it", async () => {
    const member = await app.makeMember("tab-refund");
    const tabId = await openedTab(member, luna, "20");
    await tip(member, luna, 60n);
    await app.callerAs(member).tabs.close({ tabId });
    const hold = (await tabRow(tabId)).authorization_id as string;
    const reversals = async () =>
      (
        await app.pool.query<{ key: string; credits: string }>(
          "SELECT idempotency_key AS key, metadata->>'credits' AS credits FROM ledger_transactions WHERE kind = 'TAB_CARD_REVERSAL' AND metadata->>'tabId' = $1 ORDER BY id",
          [tabId],
        )
      ).rows.map((row) => `${row.key.slice(`tab:${tabId}:payment:${hold}:`.length)} ${row.credits}`);

    const refund = await app.stripe().refunds.create({ payment_intent: hold, amount: 200 });
    const charge = refund.charge as string;
    await harness.answered("charge.refunded", charge);
    expect(await reversals()).toEqual(["refund-to:200 20"]);

    const disputed = await harness.control("/disputes", { payment_intent: hold, amount: 300 });
    await harness.answered("charge.dispute.created", disputed.id as string);
    expect(await reversals()).toEqual(["refund-to:200 20", `dispute:${String(disputed.id)}:taken 30`]);
    await harness.control(`/disputes/${String(disputed.id)}/close`, { outcome: "won" });
    await harness.answered("charge.dispute.closed", disputed.id as string);
    expect(await reversals()).toEqual(["refund-to:200 20", `dispute:${String(disputed.id)}:taken 30`, `dispute:${String(disputed.id)}:won -30`]);

    const events = (await harness.events()).filter((event) => event.type.startsWith("charge."));
    const answered = harness.outcomes.length;
    for (let round = 0; round < 3; round++) for (const event of [...events].reverse()) await harness.controlResponse(`/resend/${event.id}`);
    await waitUntil(async () => harness.outcomes.length >= answered + events.length * 3, "the replays");
    expect(await reversals()).toHaveLength(3);
  });

  it("captures once when the member, the performer and the sweep settle it at the same moment", async () => {
    const member = await app.makeMember("tab-race");
    const tabId = await openedTab(member, luna, "20");
    await tip(member, luna, 40n);
    await Promise.allSettled([
      app.callerAs(member).tabs.close({ tabId }),
      app.callerAs(luna).tabs.finalise({ tabId }),
      app.callerAs(admin).tabs.finalise({ tabId }),
      app.tabs.closeTab(tabId, "expiring"),
      app.tabs.runTabSweep(),
    ]);
    await app.tabs.runTabSweep();
    expect(await tabRow(tabId)).toMatchObject({ status: "CLOSED", captured_credits: "40" });
    expect(await chargesOf(tabId)).toEqual([expect.objectContaining({ status: "SUCCEEDED", credits: "40" })]);
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_RELEASE release", "TAB_CAPTURE capture:1"]);
  });
});

describe("when the card fails", () => {
  async function failingTab(performer: SessionUser, spend: bigint): Promise<{ member: SessionUser; tabId: string }> {
    const member = await app.makeMember("tab-declined");
    await app.fundUser(app.pool, member.id, 100n);
    const tabId = await openedTab(member, performer, "20");
    await tip(member, performer, spend);
    const method = (await tabRow(tabId)).payment_method_ref as string;
    await harness.control(`/payment_methods/${method}/decline_charges`, { decline_code: "insufficient_funds" });
    await app.callerAs(member).tabs.close({ tabId });
    return { member, tabId };
  }

  it("owes what the capture missed, restricts spending, and takes another card until it is paid", async () => {
    const { member, tabId } = await failingTab(luna, 40n);
    expect(await tabRow(tabId)).toMatchObject({ status: "PAYMENT_DUE", due_credits: "40" });
    expect((await chargesOf(tabId))[0]).toMatchObject({ status: "FAILED" });
    await app.deliverOutbox();
    expect(sent.some((email) => email.subject.includes("could not be charged"))).toBe(true);

    const counts = await app.ledgerRowCounts();
    await app.callerAs(member).walletPreferences.setActive({ walletTypeId: "credits" });
    expect(await app.refusalCodeOf(() => tip(member, luna, 5n))).toBe("ACCOUNT_RESTRICTED");
    expect(await app.refusalCodeOf(() => app.callerAs(member).tabs.open({ performerId: nova.id, limit: "20" }))).toBe("ACCOUNT_RESTRICTED");
    expect(await app.ledgerRowCounts()).toEqual(counts);

    const first = await app.callerAs(member).tabs.payDue({ tabId });
    const firstSession = (await app.pool.query<{ checkout_session_id: string }>("SELECT checkout_session_id FROM card_tab_charges WHERE tab_id = $1 AND kind = 'SETTLEMENT'", [tabId])).rows[0]
      ?.checkout_session_id as string;
    expect(first.checkoutUrl).toContain(firstSession);
    expect((await harness.controlResponse(`/checkout/sessions/${firstSession}/pay`, { outcome: "decline" })).ok).toBe(true);
    expect((await tabRow(tabId)).status).toBe("PAYMENT_DUE");
    expect((await app.callerAs(member).tabs.payDue({ tabId })).checkoutUrl).toBe(first.checkoutUrl);
    expect((await harness.controlResponse(`/checkout/sessions/${firstSession}/pay`, { outcome: "pay" })).ok).toBe(true);
    await harness.answered("checkout.session.completed", firstSession);
    expect(await tabRow(tabId)).toMatchObject({ status: "CLOSED", due_credits: "0" });
    expect(await postingsOf(tabId)).toEqual(["TAB_FUNDING funding", "TAB_RELEASE release", "TAB_SETTLEMENT settlement"]);
    expect(await app.refusalCodeOf(() => tip(member, luna, 5n))).toBe("OK");
  });

  it("written off at the platform's expense: bad debt bears it, the performer keeps her share, the member stays restricted until paying", async () => {
    await app.setSetting(admin.id, "tabs", { minLimitMinor: 2000n, maxLimitMinor: 50000n, defaultSplitThreshold: null, performersMaySetSplit: true, writeOffBorneBy: "PLATFORM", settleAfterHours: 120 });
    const { member, tabId } = await failingTab(nova, 50n);
    const novaPending = await pendingOf(nova.id);
    expect(await app.refusalCodeOf(() => app.callerAs(luna).tabs.writeOff({ tabId }))).toBe("NOT_FOUND");
    await app.callerAs(nova).tabs.writeOff({ tabId });
    expect(await tabRow(tabId)).toMatchObject({ status: "WRITTEN_OFF", write_off_bearer: "PLATFORM", due_credits: "50" });
    expect(await pendingOf(nova.id)).toBe(novaPending);
    const { rows } = await app.pool.query<{ metadata: Record<string, string> }>("SELECT metadata FROM ledger_transactions WHERE idempotency_key = $1", [`tab:${tabId}:write-off`]);
    expect(rows[0]?.metadata).toMatchObject({ bearer: "PLATFORM", badDebt: "50", performerShare: "0" });
    await app.callerAs(member).walletPreferences.setActive({ walletTypeId: "credits" });
    expect(await app.refusalCodeOf(() => tip(member, luna, 5n))).toBe("ACCOUNT_RESTRICTED");

    await app.callerAs(member).tabs.payDue({ tabId });
    const session = (await app.pool.query<{ checkout_session_id: string }>("SELECT checkout_session_id FROM card_tab_charges WHERE tab_id = $1 AND kind = 'SETTLEMENT'", [tabId])).rows[0]
      ?.checkout_session_id as string;
    await harness.controlResponse(`/checkout/sessions/${session}/pay`, { outcome: "pay" });
    await harness.answered("checkout.session.completed", session);
    expect(await tabRow(tabId)).toMatchObject({ status: "CLOSED" });
    expect(await app.refusalCodeOf(() => tip(member, luna, 5n))).toBe("OK");
  });

  it("written off at the performer's expense: her share of the unpaid sales comes back out of pending earnings", async () => {
    await app.setSetting(admin.id, "tabs", { minLimitMinor: 2000n, maxLimitMinor: 50000n, defaultSplitThreshold: null, performersMaySetSplit: true, writeOffBorneBy: "PERFORMER", settleAfterHours: 120 });
    const { tabId } = await failingTab(nova, 50n);
    const { rows: sale } = await app.pool.query<{ share: string }>(
      "SELECT metadata->>'performerShare' AS share FROM ledger_transactions WHERE kind = 'TIP' AND metadata->>'performerId' = $1 ORDER BY id DESC LIMIT 1",
      [nova.id],
    );
    const share = BigInt(sale[0]?.share ?? "0");
    const novaPending = await pendingOf(nova.id);
    await app.callerAs(admin).tabs.writeOff({ tabId });
    expect(await tabRow(tabId)).toMatchObject({ status: "WRITTEN_OFF", write_off_bearer: "PERFORMER" });
    expect(await pendingOf(nova.id)).toBe(novaPending - share);
    await app.setSetting(admin.id, "tabs", { minLimitMinor: 2000n, maxLimitMinor: 50000n, defaultSplitThreshold: null, performersMaySetSplit: true, writeOffBorneBy: "PLATFORM", settleAfterHours: 120 });
  });

  it("an expired authorisation stops the tab: what it accrued is owed", async () => {
    const member = await app.makeMember("tab-expired");
    const tabId = await openedTab(member, luna, "20");
    await tip(member, luna, 25n);
    const hold = (await tabRow(tabId)).authorization_id as string;
    await harness.control("/clock/advance", { seconds: 8 * 86_400 });
    await harness.answered("payment_intent.canceled", hold);
    expect(await tabRow(tabId)).toMatchObject({ status: "PAYMENT_DUE", due_credits: "25" });
    expect((await app.walletBalances(app.pool, member.id)).wallets.tab).toBe(0n);
  });
});
