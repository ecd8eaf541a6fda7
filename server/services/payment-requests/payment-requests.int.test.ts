import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import type { OutgoingEmail } from "@/server/integrations/email";
import { startStripeWebhooksHarness, waitUntil, type StripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Payment requests below the browser: the API as each side calls it, the real `stripe` SDK against the emulator
 * whose signed webhooks reach the real route, on real PostgreSQL. Who is in a room is the realtime server's
 * presence list, which the tests set. Environment first, app modules after (server/env parses once).
 */
const API_KEY = "sk_test_payment_requests_int";
const WEBHOOK_SECRET = "whsec_payment_requests_int";

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data: unknown) => Promise<object>>(async () => ({})));
const present = vi.hoisted(() => new Map<string, Set<string>>());
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerWithPresence(trigger, (channel) => [...(present.get(channel) ?? [])]),
}));

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    sent.push(message);
  }),
}));

let stripeHarness: StripeWebhooksHarness;

let app: {
  pool: import("pg").Pool;
  closeDb: () => Promise<void>;
  callerAs: typeof import("@/server/testing/api").callerAs;
  refusalCodeOf: typeof import("@/server/testing/api").refusalCodeOf;
  ledgerRowCounts: typeof import("@/server/testing/api").ledgerRowCounts;
  walletBalances: typeof import("@/server/ledger/balances").walletBalances;
  checkInvariants: typeof import("@/server/ledger/invariants").checkInvariants;
  fundUser: typeof import("@/server/testing/factories").fundUser;
  setSetting: typeof import("../settings/settings").setSetting;
  stripe: typeof import("@/server/integrations/payments/stripe/client").stripe;
  makeAdmin: typeof import("@/server/testing/users").makeAdmin;
  makeMember: typeof import("@/server/testing/users").makeMember;
  makePerformer: typeof import("@/server/testing/users").makePerformer;
  setRoomOnline: typeof import("@/server/services/rooms").setRoomOnline;
  removeMember: typeof import("@/server/services/rooms").removeMember;
  expireOverdueRequests: typeof import("./expiry").expireOverdueRequests;
  deliverOutbox: () => Promise<unknown>;
  roomChannel: typeof import("@/server/domain/realtime-events").roomChannel;
};

let admin: SessionUser;
let luna: SessionUser;
let rex: SessionUser;

beforeAll(async () => {
  stripeHarness = await startStripeWebhooksHarness({ apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, emulator: { asyncPaymentDelayMs: 200 } });
  const [db, api, balances, invariants, factories, settings, stripeModule, users, rooms, expiry, relay, events] = await Promise.all([
    import("@/server/db/client"),
    import("@/server/testing/api"),
    import("@/server/ledger/balances"),
    import("@/server/ledger/invariants"),
    import("@/server/testing/factories"),
    import("../settings/settings"),
    import("@/server/integrations/payments/stripe/client"),
    import("@/server/testing/users"),
    import("@/server/services/rooms"),
    import("./expiry"),
    import("@/server/outbox/relay"),
    import("@/server/domain/realtime-events"),
  ]);
  app = {
    pool: db.pool,
    closeDb: db.closeDb,
    callerAs: api.callerAs,
    refusalCodeOf: api.refusalCodeOf,
    ledgerRowCounts: api.ledgerRowCounts,
    walletBalances: balances.walletBalances,
    checkInvariants: invariants.checkInvariants,
    fundUser: factories.fundUser,
    setSetting: settings.setSetting,
    stripe: stripeModule.stripe,
    makeAdmin: users.makeAdmin,
    makeMember: users.makeMember,
    makePerformer: users.makePerformer,
    setRoomOnline: rooms.setRoomOnline,
    removeMember: rooms.removeMember,
    expireOverdueRequests: expiry.expireOverdueRequests,
    deliverOutbox: () => relay.deliverAllDue(db.pool),
    roomChannel: events.roomChannel,
  };
  admin = await app.makeAdmin();
  luna = await app.makePerformer(admin, "Luna Vale");
  rex = await app.makePerformer(admin, "Rex Oven");
  await app.callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_SERVICE", performerShareBps: 9000 });
  await app.callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_GOODS", performerShareBps: 9600 });
  await app.setRoomOnline(luna, { online: true });
});

afterAll(async () => {
  await app?.closeDb();
  await stripeHarness?.close();
});

beforeEach(async () => {
  await app.deliverOutbox();
  sent.length = 0;
  trigger.mockClear();
});

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };

/** A funded member with Luna's room open. */
async function memberInRoom(credits = 1000n): Promise<SessionUser> {
  const member = await app.makeMember("fan");
  if (credits > 0n) await app.fundUser(app.pool, member.id, credits);
  enterRoom(member);
  return member;
}

function enterRoom(member: SessionUser, performer = luna): void {
  const channel = app.roomChannel(performer.id);
  present.set(channel, new Set([...(present.get(channel) ?? []), member.id]));
}

function leaveRoom(member: SessionUser, performer = luna): void {
  present.get(app.roomChannel(performer.id))?.delete(member.id);
}

function send(member: SessionUser, overrides: Partial<{ type: "SERVICE" | "GOODS"; description: string; amount: bigint; idempotencyKey: string }> = {}) {
  return app.callerAs(luna).paymentRequests.send({ memberId: member.id, type: "SERVICE", description: "A custom song, live", amount: 100n, idempotencyKey: randomUUID(), ...overrides });
}

async function requestRow(id: string) {
  const { rows } = await app.pool.query<{ status: string; sale_transaction_id: string | null; stripe_checkout_session_id: string | null; late_refunded_at: Date | null }>(
    "SELECT status, sale_transaction_id, stripe_checkout_session_id, late_refunded_at FROM payment_requests WHERE id = $1",
    [id],
  );
  const row = rows[0];
  if (!row) throw new Error(`no request ${id}`);
  return row;
}

async function requestCount(): Promise<number> {
  const { rows } = await app.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM payment_requests");
  return rows[0]?.n ?? 0;
}

/** The request's postings, as kind and the last part of the key. */
async function postingsOf(requestId: string) {
  const { rows } = await app.pool.query<{ kind: string; idempotency_key: string; metadata: Record<string, unknown> }>(
    "SELECT kind, idempotency_key, metadata FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
    [`payment-request:${requestId}:%`],
  );
  return rows;
}

async function expectBooksBalance() {
  const failed = (await app.checkInvariants(app.pool)).filter((result) => !result.passed);
  expect(failed).toEqual([]);
}

async function eventsAbout(objectId: string) {
  return (await stripeHarness.events()).filter((event) => JSON.stringify(event.data.object).includes(objectId));
}

function updatesSeen(requestId: string): string[] {
  return trigger.mock.calls
    .filter(([, name, data]) => name === "payment_request.updated" && (data as { id: string }).id === requestId)
    .map(([channels, , data]) => `${(data as { change: string }).change}:${[channels].flat().length}`);
}

/** Lets the request's expiry pass, as the database's clock would. */
async function expire(requestId: string) {
  await app.pool.query("UPDATE payment_requests SET expires_at = now() - interval '1 second', created_at = created_at - interval '1 hour' WHERE id = $1", [requestId]);
}

async function cardRefundsOf(paymentIntentId: string) {
  return (await app.stripe().refunds.list({ payment_intent: paymentIntentId })).data;
}

describe("sending a payment request", () => {
  it("reaches a member in the room at once, expires after the admin's minutes, and a retry returns it", async () => {
    const member = await memberInRoom();
    const key = randomUUID();
    const request = await send(member, { idempotencyKey: key });
    expect(request).toMatchObject({ status: "PENDING", type: "SERVICE", amount: 100n, member: { id: member.id }, performer: { stageName: "Luna Vale" } });
    const minutes = (request.expiresAt.getTime() - request.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(15, 5);
    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2"]);
    expect(trigger.mock.calls.find(([, name]) => name === "payment_request.updated")?.[0]).toEqual([`private-user-${member.id}`, `private-user-${luna.id}`]);

    expect(await send(member, { idempotencyKey: key })).toEqual(request);
    expect(await app.refusalCodeOf(() => send(member, { idempotencyKey: key, amount: 5n }))).toBe("CONFLICT");
    expect((await app.callerAs(member).paymentRequests.inRoom({ performerId: luna.id })).map((r) => r.id)).toContain(request.id);
    expect((await app.callerAs(member).paymentRequests.received({})).map((r) => r.id)).toContain(request.id);
    expect((await app.callerAs(luna).paymentRequests.sent({ status: "PENDING" })).map((r) => r.id)).toContain(request.id);
  });

  it.each([
    ["a zero amount", { amount: 0n }, "BAD_REQUEST"],
    ["a negative amount", { amount: -5n }, "BAD_REQUEST"],
    ["an amount over the most", { amount: 100_001n }, "BAD_REQUEST"],
    ["an empty description", { description: "   " }, "BAD_REQUEST"],
    ["a description too long", { description: "x".repeat(281) }, "BAD_REQUEST"],
  ])("refuses %s and stores nothing", async (_name, overrides, code) => {
    const member = await memberInRoom();
    const before = await requestCount();
    expect(await app.refusalCodeOf(() => send(member, overrides))).toBe(code);
    expect(await requestCount()).toBe(before);
  });

  it("refuses someone not in the room, a removed member, a closed room and the performer themself", async () => {
    const before = await requestCount();
    const away = await app.makeMember("away");
    expect(await app.refusalCodeOf(() => send(away))).toBe("PRECONDITION_FAILED");
    const error = await send(away).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ message: "That person isn't in your room right now, so they can't be asked to pay." });

    const elsewhere = await app.makeMember("elsewhere");
    enterRoom(elsewhere, rex);
    expect(await app.refusalCodeOf(() => send(elsewhere))).toBe("PRECONDITION_FAILED");

    const removed = await memberInRoom();
    await app.removeMember(luna, { memberId: removed.id });
    expect(await app.refusalCodeOf(() => send(removed))).toBe("PRECONDITION_FAILED");

    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.send({ memberId: luna.id, type: "GOODS", description: "Me", amount: 5n, idempotencyKey: randomUUID() }))).toBe("BAD_REQUEST");

    const member = await memberInRoom();
    await app.setRoomOnline(luna, { online: false });
    try {
      expect(await app.refusalCodeOf(() => send(member))).toBe("PRECONDITION_FAILED");
    } finally {
      await app.setRoomOnline(luna, { online: true });
    }
    leaveRoom(member);
    expect(await app.refusalCodeOf(() => send(member))).toBe("PRECONDITION_FAILED");
    expect(await requestCount()).toBe(before);
  });

  it("is refused to members and admins, who are not performers", async () => {
    const member = await memberInRoom();
    const input = { memberId: member.id, type: "SERVICE" as const, description: "x", amount: 5n, idempotencyKey: randomUUID() };
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.send(input))).toBe("FORBIDDEN");
    expect(await app.refusalCodeOf(() => app.callerAs(admin).paymentRequests.send(input))).toBe("FORBIDDEN");
  });
});

describe("paying from a wallet", () => {
  it.each([
    ["SERVICE", 90n, 10n, "PAYMENT_REQUEST_SERVICE"],
    ["GOODS", 96n, 4n, "PAYMENT_REQUEST_GOODS"],
  ] as const)("a %s request: the member's Credits pay it, the performer's share lands pending, both get a receipt", async (type, share, fee, saleKind) => {
    const member = await memberInRoom();
    const lunaBefore = await app.walletBalances(app.pool, luna.id);
    const request = await send(member, { type, description: `Signed poster ${type}` });
    const paid = await app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id });
    expect(paid).toMatchObject({ status: "PAID", paidFromWallet: "Credits", paidByCard: null, performerShare: null });
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 900n });
    expect((await app.walletBalances(app.pool, luna.id)).pending).toBe(lunaBefore.pending + share);
    const postings = await postingsOf(request.id);
    expect(postings.map((p) => `${p.kind} ${p.idempotency_key.split(":").at(-1)}`)).toEqual(["PAYMENT_REQUEST sale"]);
    expect(postings[0]?.metadata).toMatchObject({ saleKind, performerId: luna.id, amount: "100", performerShare: share.toString(), platformShare: fee.toString(), paymentRequestId: request.id, walletTypeId: "credits" });
    expect((await app.callerAs(luna).paymentRequests.get({ requestId: request.id })).performerShare).toBe(share);

    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2", "paid:2"]);
    expect(sent.map((email) => [email.to, email.subject])).toEqual([
      [member.email, `Receipt: Signed poster ${type}`],
      [luna.email, `Payment received: Signed poster ${type}`],
    ]);
    expect(sent[0]?.text).toContain("Paid from the Credits wallet: 100 credits");
    expect(sent[1]?.text).toContain(`Your share after the platform fee: ${share} credits`);
    await expectBooksBalance();
  });

  it("is never paid twice, however two payments race; the second is refused and posts nothing", async () => {
    const member = await memberInRoom();
    const request = await send(member);
    const results = await Promise.allSettled([0, 1, 2].map(() => app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refusals = await Promise.all(
      results.filter((result) => result.status === "rejected").map((result) => app.refusalCodeOf(() => Promise.reject((result as PromiseRejectedResult).reason))),
    );
    expect(refusals).toEqual(["CONFLICT", "CONFLICT"]);
    expect(await postingsOf(request.id)).toHaveLength(1);
    expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 900n });
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.decline({ requestId: request.id }))).toBe("CONFLICT");
    await expectBooksBalance();
  });

  it("refuses short funds and a wallet whose rules leave payment requests out, posting nothing", async () => {
    const member = await memberInRoom(50n);
    const request = await send(member);
    const before = await app.ledgerRowCounts();
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id }))).toBe("INSUFFICIENT_FUNDS");
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id, walletTypeId: "bonus" }))).toBe("FORBIDDEN");
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id, walletTypeId: "earnings" }))).toBe("FORBIDDEN");
    expect(await app.ledgerRowCounts()).toEqual(before);
    expect((await requestRow(request.id)).status).toBe("PENDING");
  });
});

describe("declining and expiry", () => {
  it("a declined request can't be paid or declined again", async () => {
    const member = await memberInRoom();
    const request = await send(member);
    expect(await app.callerAs(member).paymentRequests.decline({ requestId: request.id })).toMatchObject({ status: "DECLINED" });
    const before = await app.ledgerRowCounts();
    const refused = await app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ cause: { code: "PRECONDITION_FAILED" }, message: "This request was declined, so it can't be paid or declined again." });
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.decline({ requestId: request.id }))).toBe("PRECONDITION_FAILED");
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.payByCard({ requestId: request.id }))).toBe("PRECONDITION_FAILED");
    expect(await app.ledgerRowCounts()).toEqual(before);
    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2", "declined:2"]);
  });

  it("an expired request can't be paid; the sweep marks it expired and tells both sides once", async () => {
    const member = await memberInRoom();
    const request = await send(member);
    await expire(request.id);
    expect((await app.callerAs(member).paymentRequests.get({ requestId: request.id })).status).toBe("EXPIRED");
    const before = await app.ledgerRowCounts();
    const refused = await app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ cause: { code: "PRECONDITION_FAILED" }, message: "This request has expired. Ask the performer to send a new one." });
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.decline({ requestId: request.id }))).toBe("PRECONDITION_FAILED");
    expect(await app.ledgerRowCounts()).toEqual(before);

    expect(await app.expireOverdueRequests()).toBeGreaterThanOrEqual(1);
    expect(await app.expireOverdueRequests()).toBe(0);
    expect((await requestRow(request.id)).status).toBe("EXPIRED");
    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2", "expired:2"]);
  });

  it("follows the admin's expiry setting", async () => {
    await app.setSetting(admin.id, "paymentRequests", { expiryMinutes: 3 });
    try {
      const request = await send(await memberInRoom());
      expect((request.expiresAt.getTime() - request.createdAt.getTime()) / 60_000).toBeCloseTo(3, 5);
    } finally {
      await app.setSetting(admin.id, "paymentRequests", { expiryMinutes: 15 });
    }
  });
});

describe("who may do what", () => {
  it("only the addressed member pays or declines, only the sending performer records service times; others are told it does not exist", async () => {
    const member = await memberInRoom();
    const stranger = await memberInRoom();
    const request = await send(member);
    const id = { requestId: request.id };
    expect(await app.refusalCodeOf(() => app.callerAs(stranger).paymentRequests.payFromWallet(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(stranger).paymentRequests.decline(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(stranger).paymentRequests.get(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.payFromWallet(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(admin).paymentRequests.decline(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(rex).paymentRequests.get(id))).toBe("NOT_FOUND");

    await app.callerAs(member).paymentRequests.payFromWallet(id);
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.startService(id))).toBe("FORBIDDEN");
    expect(await app.refusalCodeOf(() => app.callerAs(rex).paymentRequests.startService(id))).toBe("NOT_FOUND");
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.giveShipping({ ...id, address: ADDRESS }))).toBe("NOT_FOUND");
    expect(await app.callerAs(stranger).paymentRequests.inRoom({ performerId: luna.id })).toEqual([]);
  });
});

describe("after payment", () => {
  it("a service is started and finished by its performer, once each, and both sides see the times", async () => {
    const member = await memberInRoom();
    const request = await send(member);
    const id = { requestId: request.id };
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.startService(id))).toBe("PRECONDITION_FAILED");
    await app.callerAs(member).paymentRequests.payFromWallet(id);
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.finishService(id))).toBe("PRECONDITION_FAILED");
    const started = await app.callerAs(luna).paymentRequests.startService(id);
    expect(started.serviceStartedAt).toBeInstanceOf(Date);
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.startService(id))).toBe("PRECONDITION_FAILED");
    const finished = await app.callerAs(luna).paymentRequests.finishService(id);
    expect(finished.serviceFinishedAt?.getTime()).toBeGreaterThanOrEqual(started.serviceStartedAt?.getTime() ?? Infinity);
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.finishService(id))).toBe("PRECONDITION_FAILED");
    expect(await app.callerAs(member).paymentRequests.get(id)).toMatchObject({ serviceStartedAt: started.serviceStartedAt, serviceFinishedAt: finished.serviceFinishedAt });
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.giveShipping({ ...id, address: ADDRESS }))).toBe("PRECONDITION_FAILED");
    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2", "paid:2", "service_started:2", "service_finished:2"]);
  });

  it("paid goods collect a valid shipping address from the member, which the performer sees", async () => {
    const member = await memberInRoom();
    const request = await send(member, { type: "GOODS", description: "Signed vinyl" });
    const id = { requestId: request.id };
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.giveShipping({ ...id, address: ADDRESS }))).toBe("PRECONDITION_FAILED");
    await app.callerAs(member).paymentRequests.payFromWallet(id);
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.giveShipping({ ...id, address: { ...ADDRESS, postalCode: "" } }))).toBe("BAD_REQUEST");
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.giveShipping({ ...id, address: { ...ADDRESS, country: "Atlantis" } }))).toBe("BAD_REQUEST");
    expect(await app.refusalCodeOf(() => app.callerAs(luna).paymentRequests.startService(id))).toBe("PRECONDITION_FAILED");
    await app.callerAs(member).paymentRequests.giveShipping({ ...id, address: ADDRESS });
    const seen = (await app.callerAs(luna).paymentRequests.sent({ status: "PAID" })).find((r) => r.id === request.id);
    expect(seen?.shippingAddress).toMatchObject(ADDRESS);
    // A correction is a change of its own: both sides hear it too, and the performer sees the corrected address.
    const corrected = { ...ADDRESS, line2: "Flat 3" };
    await app.callerAs(member).paymentRequests.giveShipping({ ...id, address: corrected });
    await app.deliverOutbox();
    expect(updatesSeen(request.id)).toEqual(["sent:2", "paid:2", "shipping:2", "shipping:2"]);
    const seenAgain = (await app.callerAs(luna).paymentRequests.sent({ status: "PAID" })).find((r) => r.id === request.id);
    expect(seenAgain?.shippingAddress).toMatchObject(corrected);
  });
});

describe("paying by card", () => {
  it("a Checkout at the credit price; the webhook pays it from gateway clearing, naming the card payment; replays change nothing", async () => {
    const member = await memberInRoom(0n);
    const request = await send(member, { amount: 70n });
    const { checkoutUrl } = await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id });
    expect(checkoutUrl).toMatch(/\/pay\/cs_test_/);
    expect(await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id })).toEqual({ checkoutUrl });
    const sessionId = (await requestRow(request.id)).stripe_checkout_session_id as string;
    const session = await app.stripe().checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ amount_total: 700, currency: "usd", metadata: { kind: "payment_request", payment_request_id: request.id } });

    expect((await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" })).ok).toBe(true);
    await stripeHarness.answered("checkout.session.completed", sessionId);
    const paymentIntentId = (await app.stripe().checkout.sessions.retrieve(sessionId)).payment_intent as string;
    expect(paymentIntentId).toMatch(/^pi_/);

    const settled = async () => {
      expect((await requestRow(request.id)).status).toBe("PAID");
      const postings = await postingsOf(request.id);
      expect(postings).toHaveLength(1);
      expect(postings[0]?.metadata).toMatchObject({ saleKind: "PAYMENT_REQUEST_SERVICE", cardPaymentId: paymentIntentId, gateway: "stripe", amount: "70", performerShare: "63" });
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 0n });
      expect(await cardRefundsOf(paymentIntentId)).toEqual([]);
    };
    await settled();
    expect(await app.callerAs(member).paymentRequests.get({ requestId: request.id })).toMatchObject({ paidByCard: { amountMinor: 700n, currency: "usd" }, paidFromWallet: null });

    const events = await eventsAbout(sessionId);
    const answered = stripeHarness.outcomes.length;
    for (let round = 0; round < 3; round++) for (const event of events) expect((await stripeHarness.controlResponse(`/resend/${event.id}`)).ok).toBe(true);
    await waitUntil(async () => stripeHarness.outcomes.length >= answered + events.length * 3, "the replays");
    expect(stripeHarness.outcomes.slice(answered).every((outcome) => outcome.status === 200)).toBe(true);
    await app.deliverOutbox();
    await settled();
    expect(sent.filter((email) => email.subject === "Receipt: A custom song, live" && email.to === member.email)).toHaveLength(1);
    expect(await app.refusalCodeOf(() => app.callerAs(member).paymentRequests.payByCard({ requestId: request.id }))).toBe("CONFLICT");
    await expectBooksBalance();
  });

  it("events delivered in reverse order, then in order, end in the same books", async () => {
    const member = await memberInRoom(0n);
    const request = await send(member, { amount: 30n, type: "GOODS" });
    stripeHarness.hold();
    try {
      await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id });
      const sessionId = (await requestRow(request.id)).stripe_checkout_session_id as string;
      await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "delayed" });
      await waitUntil(() => Promise.resolve(stripeHarness.held.some((d) => d.body.includes('"checkout.session.async_payment_succeeded"'))), "the held events");
    } finally {
      stripeHarness.release();
    }
    expect((await requestRow(request.id)).status).toBe("PENDING");
    for (const delivery of [...stripeHarness.held].reverse()) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);
    for (const delivery of stripeHarness.held) expect((await stripeHarness.deliver(delivery.body, delivery.signature)).status).toBe(200);
    expect((await requestRow(request.id)).status).toBe("PAID");
    expect(await postingsOf(request.id)).toHaveLength(1);
    expect((await postingsOf(request.id))[0]?.metadata).toMatchObject({ saleKind: "PAYMENT_REQUEST_GOODS", performerShare: "28" });
    await expectBooksBalance();
  });

  it("a card payment that lands after a wallet payment is refunded in full, once; the request stays paid by the wallet", async () => {
    const member = await memberInRoom();
    const request = await send(member, { amount: 40n });
    await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id });
    const sessionId = (await requestRow(request.id)).stripe_checkout_session_id as string;
    const [walletPay] = await Promise.allSettled([
      app.callerAs(member).paymentRequests.payFromWallet({ requestId: request.id }),
      stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" }),
    ]);
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    const paymentIntentId = (await app.stripe().checkout.sessions.retrieve(sessionId)).payment_intent as string;
    const postings = await postingsOf(request.id);
    expect(postings).toHaveLength(1);
    if (walletPay.status === "fulfilled") {
      // The wallet won: the card payment pays for nothing and goes back.
      expect(postings[0]?.metadata).toMatchObject({ walletTypeId: "credits" });
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 960n });
      await waitUntil(async () => (await cardRefundsOf(paymentIntentId)).length === 1, "the refund");
      expect((await cardRefundsOf(paymentIntentId))[0]).toMatchObject({ amount: 400, status: "succeeded" });
      expect((await requestRow(request.id)).late_refunded_at).not.toBeNull();
    } else {
      // The card won: the wallet payment was refused and nothing left the wallet.
      expect(await app.refusalCodeOf(() => Promise.reject(walletPay.reason))).toBe("CONFLICT");
      expect(postings[0]?.metadata).toMatchObject({ cardPaymentId: paymentIntentId });
      expect(await app.walletBalances(app.pool, member.id)).toMatchObject({ available: 1000n });
      expect(await cardRefundsOf(paymentIntentId)).toEqual([]);
    }
    for (const event of await eventsAbout(sessionId)) await stripeHarness.controlResponse(`/resend/${event.id}`);
    await waitUntil(async () => stripeHarness.outcomes.filter((o) => o.objectId === sessionId).length >= 2, "the replays");
    await app.deliverOutbox();
    expect(await postingsOf(request.id)).toHaveLength(1);
    expect((await cardRefundsOf(paymentIntentId)).length).toBeLessThanOrEqual(1);
    await expectBooksBalance();
  });

  it("a card payment that lands after expiry is refunded and the request is expired", async () => {
    const member = await memberInRoom(0n);
    const request = await send(member, { amount: 25n });
    await app.callerAs(member).paymentRequests.payByCard({ requestId: request.id });
    const sessionId = (await requestRow(request.id)).stripe_checkout_session_id as string;
    await expire(request.id);
    expect((await stripeHarness.controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome: "pay" })).ok).toBe(true);
    await stripeHarness.answered("checkout.session.completed", sessionId);
    await app.deliverOutbox();
    const paymentIntentId = (await app.stripe().checkout.sessions.retrieve(sessionId)).payment_intent as string;
    expect((await requestRow(request.id)).status).toBe("EXPIRED");
    expect(await postingsOf(request.id)).toEqual([]);
    await waitUntil(async () => (await cardRefundsOf(paymentIntentId)).length === 1, "the refund");
    expect((await cardRefundsOf(paymentIntentId))[0]).toMatchObject({ amount: 250 });
    expect(updatesSeen(request.id)).toContain("expired:2");
    await expectBooksBalance();
  });
});
