import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { appRouter } from "@/server/api/root";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { deliverAllDue } from "@/server/outbox/relay";
import { fundUser } from "@/server/testing/factories";
import { removeMember, setRoomOnline, updateRoomSettings } from "../rooms";
import { getSetting, setSetting } from "../settings/settings";
import { type MeterChange, dueShows, lockLiveShows, settleShows, sweepMeters } from "./metering";
import {
  type MeterView,
  type ShowActor,
  endShow,
  heartbeat,
  joinGroupShow,
  meterParams,
  pauseMeter,
  requestPrivateShow,
  respondToRequest,
  resumeMeter,
  runShowSweep,
  showHistory,
  showMeter,
  startGroupShow,
  startMeter,
} from ".";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
const sendEmail = vi.hoisted(() => vi.fn(async () => {}));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));

/**
 * Shows against real PostgreSQL with time driven by `at`: the defaults are 60 credits a minute for private shows
 * and 20 for group shows, no free time, a one-minute minimum and 30-second increments. Most tests batch charges
 * with a settle threshold of 100 (an admin's choice); "collecting on every tick" runs the default of 1.
 * Private shows pay the performer 70%, group shows 60%.
 */
let admin: SessionUser;

async function setSettleThreshold(settleThreshold: bigint): Promise<void> {
  await setSetting(admin.id, "shows", { ...(await getSetting(pool, "shows")), settleThreshold });
}

beforeAll(async () => {
  admin = await makeAdmin();
  await setSettleThreshold(100n);
  const api = appRouter.createCaller({ user: admin, ip: "127.0.0.1" });
  await api.commissions.set({ kind: "PRIVATE_SHOW", performerShareBps: 7000 });
  await api.commissions.set({ kind: "GROUP_SHOW", performerShareBps: 6000 });
  await api.commissions.set({ kind: "TIP", performerShareBps: 8000 });
});

/** What earlier steps announced is delivered (the worker's relay does this outside tests), then forgotten. */
async function clearEvents(): Promise<void> {
  await deliverAllDue(pool);
  trigger.mockClear();
}

beforeEach(async () => {
  await clearEvents();
  sendEmail.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

/** Simulated time: second `s` of a test is `s` seconds after the database clock when the test began. */
class Clock {
  private constructor(private readonly start: number) {}

  static async begin(): Promise<Clock> {
    const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
    return new Clock((rows[0]?.now ?? new Date()).getTime());
  }

  at(seconds: number): { at: Date } {
    return { at: new Date(this.start + seconds * 1000) };
  }
}

async function onlinePerformer(stageName = "Aria Stage"): Promise<SessionUser> {
  const performer = await makePerformer(admin, stageName);
  await setRoomOnline(performer, { online: true });
  return performer;
}

async function fundedMember(credits: bigint, label = "member"): Promise<SessionUser> {
  const member = await makeMember(label);
  await fundUser(pool, member.id, credits);
  return member;
}

/**
 * Both pages stay open from `from` to `to`: each side in `present` sends a heartbeat every 15 s, and the sweep
 * runs after each round, as the job would.
 */
async function stayLive(clock: Clock, showId: string, present: readonly ShowActor[], from: number, to: number): Promise<void> {
  const times: number[] = [];
  for (let second = from + 15; second < to; second += 15) times.push(second);
  times.push(to);
  for (const second of times) {
    for (const side of present) await heartbeat(side, { showId }, clock.at(second));
    await runShowSweep(clock.at(second));
  }
}

async function privateShow(clock: Clock, member: SessionUser, performer: SessionUser, at = 0): Promise<MeterView> {
  const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, clock.at(at));
  return respondToRequest(performer, { showId: requested.showId, accept: true }, clock.at(at));
}

interface Posting {
  kind: string;
  key: string;
  metadata: Record<string, unknown>;
  legs: Record<string, string>;
}

/** Every posting of a show, oldest first, with its legs by account type (and owner for user accounts). */
async function postingsOf(showId: string): Promise<Posting[]> {
  const { rows } = await pool.query<{ id: string; kind: string; idempotency_key: string; metadata: Record<string, unknown>; account: string; amount: string }>(
    `SELECT t.id, t.kind, t.idempotency_key, t.metadata, a.type || coalesce(':' || a.owner_id, '') AS account, e.amount
       FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
      WHERE t.metadata->>'showId' = $1 ORDER BY t.id, e.id`,
    [showId],
  );
  const byId = new Map<string, Posting>();
  for (const row of rows) {
    const posting = byId.get(row.id) ?? { kind: row.kind, key: row.idempotency_key, metadata: row.metadata, legs: {} };
    posting.legs[row.account] = row.amount;
    byId.set(row.id, posting);
  }
  return [...byId.values()];
}

function wallet(userId: string) {
  return walletBalances(pool, userId);
}

/** The events `userId` got, once everything announced so far is delivered. */
async function eventsTo(userId: string, event: string): Promise<unknown[]> {
  await deliverAllDue(pool);
  return trigger.mock.calls
    .filter((call) => (call as unknown[])[0] === `private-user-${userId}` && (call as unknown[])[1] === event)
    .map((call) => (call as unknown[])[2]);
}

describe("a private show", () => {
  it("runs from request to end with exact charges, commission, hold, history, events and emails", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer("Aria Stage");
    const member = await fundedMember(1_000n);

    const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, clock.at(0));
    expect(requested).toMatchObject({ status: "REQUESTED", side: "member", joined: true, pausedReason: "requested", pricePerMinute: 60n });
    expect(await eventsTo(performer.id, "show.requested")).toEqual([expect.objectContaining({ showId: requested.showId, status: "REQUESTED", memberName: member.displayName })]);
    expect(await wallet(member.id)).toMatchObject({ available: 1_000n, held: 0n });

    const accepted = await respondToRequest(performer, { showId: requested.showId, accept: true }, clock.at(0));
    expect(accepted).toMatchObject({ status: "LIVE", side: "performer", running: true, pausedReason: null });
    expect(await wallet(member.id)).toMatchObject({ available: 940n, held: 60n });
    const showId = accepted.showId;

    // The hold follows the meter a minute ahead: at 61 s the time up to 121 s, 150 in all.
    await stayLive(clock, showId, [member, performer], 0, 61);
    expect(await showMeter(member, { showId }, clock.at(61))).toMatchObject({
      meteredSeconds: 61,
      charged: 90n,
      settled: 0n,
      held: 150n,
      balanceLeft: 910n,
      secondsLeft: 990 - 61,
      lowBalance: false,
      running: true,
    });
    expect((await postingsOf(showId)).map((posting) => posting.kind)).toEqual(["SHOW_HOLD", "SHOW_HOLD", "SHOW_HOLD", "SHOW_HOLD"]);

    // At 91 s the third increment starts: 120 owed passes the threshold of 100 and is collected from the hold,
    // which is topped up again to the minute ahead (180 owed by 151 s, 60 of it not posted).
    await stayLive(clock, showId, [member, performer], 61, 100);
    expect(await wallet(member.id)).toMatchObject({ available: 820n, held: 60n });
    expect(await wallet(performer.id)).toMatchObject({ pending: 84n });

    await stayLive(clock, showId, [member, performer], 100, 151);
    const ended = await endShow(member, { showId }, clock.at(151));
    expect(ended).toMatchObject({ status: "ENDED", endReason: "member_ended", meteredSeconds: 151, charged: 180n, settled: 180n, held: 0n });
    expect(await wallet(member.id)).toMatchObject({ available: 820n, held: 0n });
    expect(await wallet(performer.id)).toMatchObject({ pending: 126n, available: 0n });

    const postings = await postingsOf(showId);
    const hold = (amount: number) => ["SHOW_HOLD", { [`AVAILABLE:${member.id}`]: `${-amount}`, [`HELD:${member.id}`]: `${amount}` }];
    expect(postings.map((posting) => [posting.kind, posting.legs])).toEqual([
      hold(60),
      hold(30),
      hold(30),
      hold(30),
      // The tick that charges also tops the hold up for the next minute, in the same posting.
      ["SHOW_CHARGE", { [`HELD:${member.id}`]: "-90", [`AVAILABLE:${member.id}`]: "-30", [`PENDING:${performer.id}`]: "84", REVENUE: "36" }],
      hold(30),
      hold(30),
      ["SHOW_CHARGE", { [`HELD:${member.id}`]: "-60", [`PENDING:${performer.id}`]: "42", REVENUE: "18" }],
      hold(-60),
    ]);
    expect(postings.map((posting) => posting.key.replace(showId, "show").replace(/show-(hold|charge|release):[0-9a-f-]{36}/, "show-$1:meter"))).toEqual([
      "show-hold:meter",
      "show-hold:meter:90",
      "show-hold:meter:120",
      "show-hold:meter:150",
      "show-charge:meter:120",
      "show-hold:meter:210",
      "show-hold:meter:240",
      "show-charge:meter:180",
      "show-release:meter",
    ]);
    expect(postings.find((posting) => posting.kind === "SHOW_CHARGE")?.metadata).toMatchObject({ saleKind: "PRIVATE_SHOW", rateBps: 7000, amount: "120", performerShare: "84", platformShare: "36", billedSeconds: 91, fromHeld: "120", fromAvailable: "0", toppedUp: "30" });
    const { rows: lots } = await pool.query<{ sale_kind: string; amount: string }>(
      "SELECT sale_kind, amount FROM earnings_lots WHERE performer_id = $1 ORDER BY id",
      [performer.id],
    );
    expect(lots).toEqual([
      { sale_kind: "PRIVATE_SHOW", amount: "84" },
      { sale_kind: "PRIVATE_SHOW", amount: "42" },
    ]);

    expect(await showMeter(performer, { showId })).toMatchObject({ status: "ENDED", charged: 180n, earned: 126n, participants: [expect.objectContaining({ memberId: member.id, charged: 180n })] });
    expect(await showHistory(member)).toEqual([
      expect.objectContaining({ showId, side: "member", with: "Aria Stage", meteredSeconds: 151, charged: 180n, endReason: "member_ended" }),
    ]);
    expect(await showHistory(performer)).toEqual([
      expect.objectContaining({ showId, side: "performer", with: member.displayName, members: 1, meteredSeconds: 151, charged: 180n, earned: 126n }),
    ]);
    expect(await eventsTo(member.id, "show.ended")).toEqual([{ showId, reason: "member_ended", charged: "180" }]);
    expect(await eventsTo(performer.id, "show.ended")).toEqual([{ showId, reason: "member_ended", charged: "180" }]);
    await deliverAllDue(pool);
    expect(sendEmail).toHaveBeenCalledWith(expect.objectContaining({ to: member.email, subject: "Receipt: private show with Aria Stage" }));
    expect(sendEmail).toHaveBeenCalledWith(expect.objectContaining({ to: performer.email, subject: "Your private show earned 126 credits" }));
  });

  it("a declined or cancelled request moves no money", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(500n);
    const first = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, clock.at(0));
    expect(await respondToRequest(performer, { showId: first.showId, accept: false }, clock.at(5))).toMatchObject({ status: "DECLINED", endReason: "declined" });
    const second = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, clock.at(10));
    expect(await endShow(member, { showId: second.showId }, clock.at(12))).toMatchObject({ status: "DECLINED", endReason: "member_cancelled" });
    expect(await postingsOf(first.showId)).toEqual([]);
    expect(await postingsOf(second.showId)).toEqual([]);
    expect(await wallet(member.id)).toMatchObject({ available: 500n, held: 0n });
    await deliverAllDue(pool);
    expect(sendEmail).not.toHaveBeenCalled();
  });

  it("a retried request returns the first one", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(500n);
    const key = randomUUID();
    const first = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: key }, clock.at(0));
    const again = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: key }, clock.at(1));
    expect(again.showId).toBe(first.showId);
    await endShow(member, { showId: first.showId }, clock.at(2));
  });
});

describe("collecting on every tick (the default)", () => {
  beforeAll(() => setSettleThreshold(1n));
  afterAll(() => setSettleThreshold(100n));

  /** What each side's screens show after a tick: the member's panel and wallet, the performer's panel and earnings. */
  async function screens(showId: string, member: SessionUser, performer: SessionUser, second: number, clock: Clock) {
    const memberView = await showMeter(member, { showId }, clock.at(second));
    const performerView = await showMeter(performer, { showId }, clock.at(second));
    return { memberView, performerView, memberWallet: await wallet(member.id), performerWallet: await wallet(performer.id) };
  }

  it("posts every charge on the tick that bills it, and tells both sides' wallets and panels", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer("Tick Stage");
    const member = await fundedMember(1_000n);
    const pendingBefore = (await wallet(performer.id)).pending;
    const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, clock.at(0));
    await clearEvents();

    const { showId } = await respondToRequest(performer, { showId: requested.showId, accept: true }, clock.at(0));
    expect(await wallet(member.id)).toMatchObject({ available: 940n, held: 60n });
    expect(await eventsTo(member.id, "wallet.updated")).toContainEqual(expect.objectContaining({ available: "940", held: "60" }));

    // Each tick collects what the meter billed from the hold, then holds the minute ahead again.
    for (const [second, collected, held] of [
      [15, 60n, 30n],
      [61, 90n, 60n],
      [95, 120n, 60n],
    ] as const) {
      await clearEvents();
      await heartbeat(member, { showId }, clock.at(second));
      await heartbeat(performer, { showId }, clock.at(second));
      await runShowSweep(clock.at(second));
      const { memberView, performerView, memberWallet, performerWallet } = await screens(showId, member, performer, second, clock);

      expect(memberView).toMatchObject({ charged: collected, settled: collected, held });
      expect(memberWallet).toMatchObject({ available: 1_000n - collected - held, held });
      expect(memberView.balanceLeft).toBe(memberWallet.available + memberWallet.held);
      expect(performerView).toMatchObject({ charged: collected, settled: collected });
      expect(performerView.earned).toBe(performerWallet.pending - pendingBefore);
      expect(performerView.earned).toBeGreaterThan(0n);

      expect(await eventsTo(member.id, "wallet.updated")).toEqual([expect.objectContaining({ available: (1_000n - collected - held).toString(), held: held.toString() })]);
      expect(await eventsTo(performer.id, "wallet.updated")).toEqual([expect.objectContaining({ pending: performerWallet.pending.toString() })]);
      expect(await eventsTo(member.id, "show.updated")).toEqual([expect.objectContaining({ showId, charged: collected.toString(), settled: collected.toString() })]);
      expect(await eventsTo(performer.id, "show.updated")).toEqual([expect.objectContaining({ showId, earned: performerView.earned?.toString() })]);
    }

    await clearEvents();
    await heartbeat(member, { showId }, clock.at(100));
    await heartbeat(performer, { showId }, clock.at(100));
    await runShowSweep(clock.at(100));
    expect(await eventsTo(member.id, "wallet.updated")).toEqual([]);
    expect(await eventsTo(member.id, "show.updated")).toEqual([]);
    await endShow(member, { showId }, clock.at(100));
  });
});

describe("a group show", () => {
  it("meters each member separately and pays the performer from all", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer("Group Star");
    const [a, b, c] = await Promise.all([fundedMember(500n, "a"), fundedMember(500n, "b"), fundedMember(500n, "c")]);
    if (!a || !b || !c) throw new Error("members missing");

    const show = await startGroupShow(performer, {}, clock.at(0));
    expect(show).toMatchObject({ kind: "GROUP", status: "LIVE", pricePerMinute: 20n, members: 0, pausedReason: "waiting_for_members" });
    const showId = show.showId;
    expect(await joinGroupShow(a, { showId, idempotencyKey: randomUUID() }, clock.at(0))).toMatchObject({ joined: true, running: true, held: 20n });
    await stayLive(clock, showId, [performer, a], 0, 30);
    await joinGroupShow(b, { showId, idempotencyKey: randomUUID() }, clock.at(30));
    await stayLive(clock, showId, [performer, a, b], 30, 60);
    await joinGroupShow(c, { showId, idempotencyKey: randomUUID() }, clock.at(60));
    await stayLive(clock, showId, [performer, a, b, c], 60, 120);

    expect(await endShow(a, { showId }, clock.at(120))).toMatchObject({ status: "LIVE", joined: true, pausedReason: "ended", meteredSeconds: 120, charged: 40n });
    await stayLive(clock, showId, [performer, b, c], 120, 180);
    const performerView = await showMeter(performer, { showId }, clock.at(180));
    expect(performerView.participants.map((p) => [p.memberId, p.status, p.meteredSeconds, p.charged])).toEqual([
      [a.id, "ENDED", 120, 40n],
      [b.id, "ACTIVE", 150, 50n],
      [c.id, "ACTIVE", 120, 40n],
    ]);
    expect(await endShow(performer, { showId }, clock.at(180))).toMatchObject({ status: "ENDED", endReason: "performer_ended", charged: 130n, earned: 78n });

    expect(await wallet(a.id)).toMatchObject({ available: 460n, held: 0n });
    expect(await wallet(b.id)).toMatchObject({ available: 450n, held: 0n });
    expect(await wallet(c.id)).toMatchObject({ available: 460n, held: 0n });
    expect(await wallet(performer.id)).toMatchObject({ pending: 24n + 30n + 24n });
    const charges = (await postingsOf(showId)).filter((posting) => posting.kind === "SHOW_CHARGE");
    const chargeOf = (member: SessionUser) => charges.filter((posting) => `HELD:${member.id}` in posting.legs || `AVAILABLE:${member.id}` in posting.legs);
    expect([a, b, c].map((member) => chargeOf(member).map((posting) => [posting.metadata.amount, posting.metadata.rateBps, posting.metadata.saleKind]))).toEqual([
      [["40", 6000, "GROUP_SHOW"]],
      [["50", 6000, "GROUP_SHOW"]],
      [["40", 6000, "GROUP_SHOW"]],
    ]);
    expect(await showHistory(performer)).toEqual([expect.objectContaining({ showId, members: 3, charged: 130n, earned: 78n })]);
    // The totals history shows are the show's own columns, written by the settlement that ended it.
    const { rows: totals } = await pool.query("SELECT member_count, charged, metered_seconds, performer_share FROM shows WHERE id = $1", [showId]);
    expect(totals).toEqual([{ member_count: 3, charged: "130", metered_seconds: expect.any(String), performer_share: "78" }]);
    await deliverAllDue(pool);
    expect(sendEmail).toHaveBeenCalledTimes(4);
  });

  it("waits for its minimum number of members before the meter runs", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const [a, b] = await Promise.all([fundedMember(200n, "a"), fundedMember(200n, "b")]);
    if (!a || !b) throw new Error("members missing");
    const { showId } = await startGroupShow(performer, { minMembers: 2 }, clock.at(0));
    expect(await joinGroupShow(a, { showId, idempotencyKey: randomUUID() }, clock.at(0))).toMatchObject({ running: false, pausedReason: "waiting_for_members" });
    await stayLive(clock, showId, [performer, a], 0, 20);
    await joinGroupShow(b, { showId, idempotencyKey: randomUUID() }, clock.at(20));
    await stayLive(clock, showId, [performer, a, b], 20, 80);
    const ended = await endShow(performer, { showId }, clock.at(80));
    expect(ended.participants.map((p) => [p.meteredSeconds, p.charged])).toEqual([
      [60, 20n],
      [60, 20n],
    ]);
  });

  it("ends one member's meter when they stay offline past the timeout, and the show goes on", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const [a, b] = await Promise.all([fundedMember(200n, "a"), fundedMember(200n, "b")]);
    if (!a || !b) throw new Error("members missing");
    const { showId } = await startGroupShow(performer, {}, clock.at(0));
    await joinGroupShow(a, { showId, idempotencyKey: randomUUID() }, clock.at(0));
    await joinGroupShow(b, { showId, idempotencyKey: randomUUID() }, clock.at(0));
    await stayLive(clock, showId, [performer, a, b], 0, 30);
    await stayLive(clock, showId, [performer, b], 30, 121);
    const view = await showMeter(performer, { showId }, clock.at(121));
    expect(view.status).toBe("LIVE");
    const meterOf = (member: SessionUser) => view.participants.find((p) => p.memberId === member.id);
    expect(meterOf(a)).toMatchObject({ status: "ENDED", endReason: "member_offline", meteredSeconds: 30, charged: 20n });
    expect(meterOf(b)).toMatchObject({ status: "ACTIVE", endReason: null, meteredSeconds: 121 });
    await endShow(performer, { showId }, clock.at(121));
  });
});

describe("funds", () => {
  it("warns when about two minutes are left and ends the show by itself when the credits run out, never below zero", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(100n);
    const { showId } = await privateShow(clock, member, performer);
    // 100 credits pay for 90 s (60 for the first minute, 30 for the next half minute): low from the start.
    expect(await eventsTo(member.id, "show.updated")).toContainEqual(expect.objectContaining({ showId, lowBalance: true, secondsLeft: 90 }));

    await stayLive(clock, showId, [member, performer], 0, 90);
    const view = await showMeter(member, { showId });
    expect(view).toMatchObject({ status: "ENDED", endReason: "funds_exhausted", meteredSeconds: 90, charged: 90n, settled: 90n, held: 0n });
    expect(await wallet(member.id)).toMatchObject({ available: 10n, held: 0n });
    expect(await eventsTo(member.id, "show.ended")).toEqual([{ showId, reason: "funds_exhausted", charged: "90" }]);

    await stayLive(clock, showId, [member, performer], 90, 150);
    expect(await wallet(member.id)).toMatchObject({ available: 10n, held: 0n });
  });

  it("holds the next settlement period: credits the running show needs can't be tipped or transferred away, and nothing is lost at the end", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const other = await onlinePerformer("Other");
    const friend = await makeMember("friend");
    const member = await fundedMember(200n);
    const { showId } = await privateShow(clock, member, performer);
    const pendingBefore = (await wallet(performer.id)).pending;
    // At 75 s the second increment (61-90 s) is owed, 90 in all, not posted yet (threshold 100); the next minute,
    // up to 135 s, will owe 150, so 150 is held and 50 stay available.
    await stayLive(clock, showId, [member, performer], 0, 75);
    expect(await wallet(member.id)).toMatchObject({ available: 50n, held: 150n });
    expect(await showMeter(member, { showId }, clock.at(75))).toMatchObject({ charged: 90n, settled: 0n, held: 150n, balanceLeft: 110n });

    const api = appRouter.createCaller({ user: member, ip: "127.0.0.1" });
    const refused = { cause: expect.objectContaining({ code: "INSUFFICIENT_FUNDS" }) };
    await expect(api.tips.send({ performerId: other.id, amount: 140n, idempotencyKey: randomUUID() })).rejects.toMatchObject(refused);
    await expect(api.transfers.send({ recipient: friend.username, amount: 51n, idempotencyKey: randomUUID() })).rejects.toMatchObject(refused);
    await api.tips.send({ performerId: other.id, amount: 50n, idempotencyKey: randomUUID() });
    await runShowSweep(clock.at(76));

    // The started increment is paid for from the hold, and the rest of the hold comes back.
    expect(await endShow(performer, { showId }, clock.at(80))).toMatchObject({ status: "ENDED", endReason: "performer_ended", meteredSeconds: 80, charged: 90n, held: 0n });
    expect(await wallet(member.id)).toMatchObject({ available: 60n, held: 0n });
    expect((await wallet(performer.id)).pending - pendingBefore).toBe(63n);
    const holds = (await postingsOf(showId)).filter((posting) => posting.kind === "SHOW_HOLD");
    const heldIn = holds.reduce((sum, posting) => sum + BigInt(posting.legs[`HELD:${member.id}`] ?? "0"), 0n);
    const charged = (await postingsOf(showId))
      .filter((posting) => posting.kind === "SHOW_CHARGE")
      .reduce((sum, posting) => sum - BigInt(posting.legs[`HELD:${member.id}`] ?? "0"), 0n);
    expect(heldIn - charged).toBe(0n);
  });

  it("a member who can't cover the whole next period watches on what is held, and the meter ends when it runs out", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(100n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 45);
    // 100 held of the 120 the next minute would cost: everything the member has.
    expect(await wallet(member.id)).toMatchObject({ available: 0n, held: 100n });
    await stayLive(clock, showId, [member, performer], 45, 120);
    expect(await showMeter(member, { showId })).toMatchObject({ status: "ENDED", endReason: "funds_exhausted", meteredSeconds: 90, charged: 90n });
    expect(await wallet(member.id)).toMatchObject({ available: 10n, held: 0n });
  });
});

describe("meter control", () => {
  it("the performer starts, pauses and resumes the meter in a PERFORMER_CONTROLS room", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    await updateRoomSettings(performer, { meterControl: "PERFORMER_CONTROLS" });
    const member = await fundedMember(1_000n);
    const accepted = await privateShow(clock, member, performer);
    const showId = accepted.showId;
    expect(accepted).toMatchObject({ running: false, pausedReason: "not_started" });
    await stayLive(clock, showId, [member, performer], 0, 10);
    expect(await showMeter(member, { showId }, clock.at(10))).toMatchObject({ meteredSeconds: 0, charged: 0n });

    expect(await startMeter(performer, { showId }, clock.at(10))).toMatchObject({ running: true });
    await stayLive(clock, showId, [member, performer], 10, 40);
    expect(await pauseMeter(performer, { showId }, clock.at(40))).toMatchObject({ running: false, pausedReason: "paused_by_performer", meteredSeconds: 30 });
    expect(await eventsTo(member.id, "show.updated")).toContainEqual(expect.objectContaining({ pausedReason: "paused_by_performer" }));
    await stayLive(clock, showId, [member, performer], 40, 100);
    expect(await showMeter(member, { showId }, clock.at(100))).toMatchObject({ meteredSeconds: 30, running: false });
    expect(await resumeMeter(performer, { showId }, clock.at(100))).toMatchObject({ running: true });
    await stayLive(clock, showId, [member, performer], 100, 130);
    expect(await endShow(performer, { showId }, clock.at(130))).toMatchObject({ meteredSeconds: 60, charged: 60n });
    expect(await wallet(member.id)).toMatchObject({ available: 940n, held: 0n });
  });

  it("refuses controls the room's setting does not allow", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(500n);
    const { showId } = await privateShow(clock, member, performer);
    await expect(startMeter(performer, { showId }, clock.at(1))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(pauseMeter(performer, { showId }, clock.at(1))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(pauseMeter(member, { showId }, clock.at(1))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await updateRoomSettings(performer, { meterControl: "PERFORMER_STARTS" });
    await endShow(member, { showId }, clock.at(2));

    const second = await privateShow(clock, member, performer, 10);
    expect(second).toMatchObject({ running: false, pausedReason: "not_started" });
    await expect(pauseMeter(performer, { showId: second.showId }, clock.at(11))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await startMeter(performer, { showId: second.showId }, clock.at(11))).toMatchObject({ running: true });
    await endShow(performer, { showId: second.showId }, clock.at(12));
  });
});

describe("disconnects", () => {
  it("pauses while the performer is away, counting up to when both were last seen, and resumes when they are back", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 30);
    await stayLive(clock, showId, [member], 30, 75);
    expect(await showMeter(member, { showId }, clock.at(75))).toMatchObject({ running: false, pausedReason: "performer_offline", meteredSeconds: 30 });
    expect(await eventsTo(member.id, "show.updated")).toContainEqual(expect.objectContaining({ pausedReason: "performer_offline" }));

    await stayLive(clock, showId, [member, performer], 75, 80);
    expect(await showMeter(member, { showId }, clock.at(80))).toMatchObject({ running: true, meteredSeconds: 30 });
    await stayLive(clock, showId, [member, performer], 80, 110);
    expect(await endShow(member, { showId }, clock.at(110))).toMatchObject({ meteredSeconds: 60, charged: 60n });
  });

  it("ends and settles by itself when the performer stays offline for more than 90 seconds", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 30);
    await stayLive(clock, showId, [member], 30, 120);
    expect((await showMeter(member, { showId }, clock.at(120))).status).toBe("LIVE");
    await stayLive(clock, showId, [member], 120, 121);
    expect(await showMeter(member, { showId })).toMatchObject({ status: "ENDED", endReason: "performer_offline", meteredSeconds: 30, charged: 60n });
    expect(await wallet(member.id)).toMatchObject({ available: 940n, held: 0n });
    expect(await eventsTo(performer.id, "show.ended")).toEqual([{ showId, reason: "performer_offline", charged: "60" }]);
  });

  it("a member who reloads finds the same show", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(500n);
    const { showId } = await privateShow(clock, member, performer);
    const api = appRouter.createCaller({ user: member, ip: "127.0.0.1" });
    expect((await api.shows.current({ performerId: performer.id }))?.showId).toBe(showId);
    expect((await appRouter.createCaller({ user: performer, ip: "127.0.0.1" }).shows.current({ performerId: performer.id }))?.showId).toBe(showId);
    await endShow(member, { showId }, clock.at(5));
    expect(await api.shows.current({ performerId: performer.id })).toBeNull();
  });
});

describe("exactly once", () => {
  it("settles once when both sides end at the same moment", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 70);
    const [fromMember, fromPerformer] = await Promise.all([
      endShow(member, { showId }, clock.at(70)),
      endShow(performer, { showId }, clock.at(70)),
    ]);
    expect(fromMember.status).toBe("ENDED");
    expect(fromPerformer.status).toBe("ENDED");
    const postings = await postingsOf(showId);
    expect(postings.filter((posting) => posting.kind === "SHOW_CHARGE").map((posting) => posting.metadata.amount)).toEqual(["90"]);
    expect(postings.filter((posting) => posting.key.startsWith("show-release:")).map((posting) => posting.metadata.amount)).toEqual(["60"]);
    expect(await wallet(member.id)).toMatchObject({ available: 910n, held: 0n });
    const { rows } = await pool.query("SELECT 1 FROM audit_log WHERE target_type = 'show' AND target_id = $1", [showId]);
    expect(rows).toHaveLength(1);
    expect(await eventsTo(member.id, "show.ended")).toHaveLength(1);
  });

  it("a crash in the middle of a settlement posts nothing, and a fresh worker then charges exactly once", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 90);
    await heartbeat(member, { showId }, clock.at(100));
    await heartbeat(performer, { showId }, clock.at(100));
    const params = await meterParams(pool);

    // A worker locks the due show and posts the charge, then dies before COMMIT.
    const doomed = new pg.Client({ connectionString: process.env.DATABASE_URL });
    doomed.on("error", () => undefined);
    await doomed.connect();
    await doomed.query("BEGIN");
    const due = await dueShows(doomed, params, clock.at(100).at);
    expect(due).toContain(showId);
    expect(await lockLiveShows(doomed, [showId])).toEqual([showId]);
    const inFlight = await settleShows(doomed, [showId], params, clock.at(100));
    expect(inFlight.find((change) => change.showId === showId)?.charged).toBe(120n);
    const { rows: backend } = await doomed.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    // Returns once the backend has exited: its locks are released before the fresh sweep looks for due shows.
    await pool.query("SELECT pg_terminate_backend($1, 10000)", [backend[0]?.pid]);
    await doomed.end().catch(() => undefined);
    const charges = async () => (await postingsOf(showId)).filter((posting) => posting.kind === "SHOW_CHARGE");
    expect(await charges()).toEqual([]);

    // A new process with nothing in memory but the database picks the show up.
    const fresh = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    try {
      const first = await sweepMeters(fresh, params, clock.at(100));
      expect(first.charged).toBe(120n);
      const replay = await sweepMeters(fresh, params, clock.at(100));
      expect(replay.charged).toBe(0n);
    } finally {
      await fresh.end();
    }
    expect(await charges()).toHaveLength(1);
    // 120 collected from the 150 held, and the minute ahead held again: 180 owed by 160 s, 60 of it not posted.
    expect(await wallet(member.id)).toMatchObject({ available: 820n, held: 60n });
    await endShow(member, { showId }, clock.at(100));
  });

  it("a charge already in the ledger is never posted again, even when the meter's row lags behind", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 90);
    const { rows: before } = await pool.query<{ id: string; settled: string; held: string }>(
      "SELECT id, settled, held FROM show_participants WHERE show_id = $1",
      [showId],
    );
    await stayLive(clock, showId, [member, performer], 90, 91);
    expect(await wallet(member.id)).toMatchObject({ available: 820n, held: 60n });

    // Put the meter back as it was before that charge, as a replay would find it.
    await pool.query("UPDATE show_participants SET settled = $2, held = $3 WHERE id = $1", [before[0]?.id, before[0]?.settled, before[0]?.held]);
    await runShowSweep(clock.at(91));
    expect((await postingsOf(showId)).filter((posting) => posting.kind === "SHOW_CHARGE")).toHaveLength(1);
    expect((await postingsOf(showId)).filter((posting) => posting.kind === "SHOW_HOLD")).toHaveLength(4);
    expect(await wallet(member.id)).toMatchObject({ available: 820n, held: 60n });
    const { rows: after } = await pool.query<{ settled: string; held: string }>("SELECT settled, held FROM show_participants WHERE show_id = $1", [showId]);
    expect(after[0]).toEqual({ settled: "120", held: "60" });
    await endShow(member, { showId }, clock.at(91));
  });

  it("two workers sweeping at once charge every meter once", async () => {
    const clock = await Clock.begin();
    const performers = [await onlinePerformer("One"), await onlinePerformer("Two")];
    const members = await Promise.all(Array.from({ length: 8 }, (_, i) => fundedMember(1_000n, `m${i}`)));
    const shows: string[] = [];
    for (const [index, performer] of performers.entries()) {
      const { showId } = await startGroupShow(performer, {}, clock.at(0));
      shows.push(showId);
      for (const member of members.slice(index * 4, index * 4 + 4)) await joinGroupShow(member, { showId, idempotencyKey: randomUUID() }, clock.at(0));
    }
    // Everyone stays present, but no sweep runs until both workers start at 5 minutes: 300 s owe 20 + 8 x 10 = 100.
    for (let second = 15; second <= 300; second += 15) {
      for (const [index, showId] of shows.entries()) {
        await heartbeat(performers[index] as SessionUser, { showId }, clock.at(second));
        for (const member of members.slice(index * 4, index * 4 + 4)) await heartbeat(member, { showId }, clock.at(second));
      }
    }
    const params = await meterParams(pool);
    const workers = [new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 }), new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 })];
    const charged: bigint[] = [];
    const collect = async (changes: MeterChange[]) => {
      for (const change of changes) if (shows.includes(change.showId)) charged.push(change.charged);
    };
    try {
      await Promise.all(workers.map((worker) => sweepMeters(worker, params, { ...clock.at(300), batchShows: 1, onBatch: collect })));
      expect(charged.filter((amount) => amount > 0n)).toEqual(Array.from({ length: 8 }, () => 100n));
    } finally {
      await Promise.all(workers.map((worker) => worker.end()));
    }
    // 100 collected each (20 from the hold), and the next minute, 20, held again.
    for (const member of members) expect(await wallet(member.id)).toMatchObject({ available: 880n, held: 20n });
    for (const [index, showId] of shows.entries()) await endShow(performers[index] as SessionUser, { showId }, clock.at(300));
  });
});

describe("refusals post nothing", () => {
  async function refusal(call: () => Promise<unknown>): Promise<{ code: string; message: string }> {
    try {
      await call();
      return { code: "OK", message: "" };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return { code: cause?.code ?? (error as { code: string }).code, message: (error as Error).message };
    }
  }

  it("starting without funds for the minimum charge", async () => {
    const performer = await onlinePerformer();
    const poor = await fundedMember(59n);
    const poorer = await fundedMember(19n);
    const count = await ledgerTransactionCount();
    expect(await refusal(() => callerAs(poor).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() }))).toEqual({
      code: "INSUFFICIENT_FUNDS",
      message: "A private show with Aria Stage needs 60 credits for the minimum charge; your Credits wallet has 59.",
    });
    const { showId } = await callerAs(performer).shows.startGroup({});
    expect((await refusal(() => callerAs(poorer).shows.join({ showId, idempotencyKey: randomUUID() }))).code).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerTransactionCount()).toBe(count);
    await callerAs(performer).shows.end({ showId });
  });

  it("a member whose credits are gone by the time the performer accepts", async () => {
    const performer = await onlinePerformer();
    const other = await onlinePerformer("Other");
    const member = await fundedMember(60n);
    const { showId } = await callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() });
    await callerAs(member).tips.send({ performerId: other.id, amount: 10n, idempotencyKey: randomUUID() });
    const count = await ledgerTransactionCount();
    expect((await refusal(() => callerAs(performer).shows.respond({ showId, accept: true }))).code).toBe("PRECONDITION_FAILED");
    expect(await callerAs(member).shows.meter({ showId })).toMatchObject({ status: "DECLINED", endReason: "member_funds" });
    expect(await ledgerTransactionCount()).toBe(count);
  });

  it("two private shows at once, per member and per performer", async () => {
    const performer = await onlinePerformer();
    const second = await onlinePerformer("Second");
    const member = await fundedMember(1_000n);
    const otherMember = await fundedMember(1_000n);
    const first = await callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() });
    expect((await refusal(() => callerAs(member).shows.requestPrivate({ performerId: second.id, idempotencyKey: randomUUID() }))).code).toBe("CONFLICT");
    const queued = await callerAs(otherMember).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() });
    await callerAs(performer).shows.respond({ showId: first.showId, accept: true });
    const third = await fundedMember(1_000n);
    const count = await ledgerTransactionCount();
    expect((await refusal(() => callerAs(performer).shows.respond({ showId: queued.showId, accept: true }))).code).toBe("CONFLICT");
    expect((await refusal(() => callerAs(performer).shows.startGroup({}))).code).toBe("CONFLICT");
    expect((await refusal(() => callerAs(third).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() }))).code).toBe("PRECONDITION_FAILED");
    expect(await ledgerTransactionCount()).toBe(count);
    await callerAs(performer).shows.end({ showId: first.showId });
    await callerAs(otherMember).shows.end({ showId: queued.showId });
  });

  it("a price outside the admin's bounds", async () => {
    const performer = await onlinePerformer();
    expect((await refusal(() => callerAs(performer).shows.startGroup({ pricePerMinute: 501n }))).code).toBe("BAD_REQUEST");
    expect((await refusal(() => callerAs(performer).shows.startGroup({ pricePerMinute: 4n }))).code).toBe("BAD_REQUEST");
    await updateRoomSettings(performer, { privatePricePerMinute: 400n });
    const bounds = await getSetting(pool, "shows");
    await setSetting(admin.id, "shows", { ...bounds, maxPricePerMinute: 300n });
    try {
      const member = await fundedMember(1_000n);
      const refused = await refusal(() => callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() }));
      expect(refused.code).toBe("PRECONDITION_FAILED");
      expect(refused.message).toContain("outside the site's limits");
    } finally {
      await setSetting(admin.id, "shows", bounds);
    }
  });

  it("ending or controlling someone else's show, answering a request as a member, wrong roles", async () => {
    const performer = await onlinePerformer();
    const otherPerformer = await onlinePerformer("Other");
    const member = await fundedMember(1_000n);
    const stranger = await fundedMember(1_000n);
    const requested = await callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() });
    const showId = requested.showId;
    expect((await refusal(() => callerAs(member).shows.respond({ showId, accept: true }))).code).toBe("FORBIDDEN");
    expect((await refusal(() => callerAs(otherPerformer).shows.respond({ showId, accept: true }))).code).toBe("NOT_FOUND");
    await callerAs(performer).shows.respond({ showId, accept: true });
    const count = await ledgerTransactionCount();
    expect(await refusal(() => callerAs(stranger).shows.end({ showId }))).toEqual({ code: "NOT_FOUND", message: "That show does not exist." });
    expect((await refusal(() => callerAs(otherPerformer).shows.end({ showId }))).code).toBe("NOT_FOUND");
    expect((await refusal(() => callerAs(stranger).shows.meter({ showId }))).code).toBe("NOT_FOUND");
    expect((await refusal(() => callerAs(member).shows.pauseMeter({ showId }))).code).toBe("FORBIDDEN");
    expect((await refusal(() => callerAs(otherPerformer).shows.startMeter({ showId }))).code).toBe("NOT_FOUND");
    expect((await refusal(() => callerAs(performer).shows.requestPrivate({ performerId: otherPerformer.id, idempotencyKey: randomUUID() }))).code).toBe("FORBIDDEN");
    expect((await refusal(() => callerAs(member).shows.startGroup({}))).code).toBe("FORBIDDEN");
    expect((await refusal(() => callerAs(null).shows.current({ performerId: performer.id }))).code).toBe("UNAUTHORIZED");
    expect((await refusal(() => callerAs(member).shows.requestPrivate({ performerId: member.id, idempotencyKey: randomUUID() }))).code).toBe("NOT_FOUND");
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await callerAs(stranger).shows.history()).length).toBe(0);
    await callerAs(performer).shows.end({ showId });
  });

  it("joining, requesting or watching a live group show after removal from the room", async () => {
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    await removeMember(performer, { memberId: member.id });
    const count = await ledgerTransactionCount();
    expect(await refusal(() => callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() }))).toEqual({
      code: "FORBIDDEN",
      message: "You were removed from this room.",
    });
    const { showId } = await callerAs(performer).shows.startGroup({});
    expect((await refusal(() => callerAs(member).shows.join({ showId, idempotencyKey: randomUUID() }))).code).toBe("FORBIDDEN");
    expect(await ledgerTransactionCount()).toBe(count);

    // Nor can they watch the live group show from outside: it is open to look at only for those who may enter.
    expect(await callerAs(member).shows.current({ performerId: performer.id })).toBeNull();
    expect(await refusal(() => callerAs(member).shows.meter({ showId }))).toEqual({ code: "FORBIDDEN", message: "You were removed from this room." });
    const bystander = await fundedMember(1_000n);
    expect(await callerAs(bystander).shows.current({ performerId: performer.id })).toMatchObject({ showId, kind: "GROUP" });
    expect(await callerAs(bystander).shows.meter({ showId })).toMatchObject({ showId });
    await callerAs(performer).shows.end({ showId });
  });

  it("removal from the room ends the member's private show at once, settled", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer();
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await removeMember(performer, { memberId: member.id });
    const { rows } = await pool.query<{ status: string; end_reason: string }>("SELECT status, end_reason FROM shows WHERE id = $1", [showId]);
    expect(rows[0]).toEqual({ status: "ENDED", end_reason: "member_removed" });
    // Removed at the database's real clock, within the show's first second: whatever the meter reached is settled
    // and the rest of the hold is back in the wallet.
    const meter = await pool.query<{ status: string; settled: string }>("SELECT status, settled FROM show_participants WHERE show_id = $1", [showId]);
    expect(meter.rows[0]?.status).toBe("ENDED");
    const wallet = await walletBalances(pool, member.id);
    expect(wallet.held).toBe(0n);
    expect(wallet.available + BigInt(meter.rows[0]?.settled ?? "0")).toBe(1_000n);
  });

  it("a performer who is offline", async () => {
    const performer = await makePerformer(admin, "Sleepy");
    const member = await fundedMember(1_000n);
    expect(await refusal(() => callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() }))).toEqual({
      code: "PRECONDITION_FAILED",
      message: "Sleepy is offline right now.",
    });
  });
});

describe("announcements go through the outbox", () => {
  async function outboxKeys(pattern: string): Promise<string[]> {
    const { rows } = await pool.query<{ key: string }>("SELECT key FROM outbox_messages WHERE key LIKE $1 ORDER BY id", [pattern]);
    return rows.map((row) => row.key);
  }

  it("writes a show's end with the settlement that ends it, sends nothing before that commits, and retries a failed delivery", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer("Outbox Stage");
    const member = await fundedMember(1_000n);
    const { showId } = await privateShow(clock, member, performer);
    await stayLive(clock, showId, [member, performer], 0, 60);
    await clearEvents();
    sendEmail.mockClear();

    await endShow(member, { showId }, clock.at(60));
    expect(trigger).not.toHaveBeenCalled();
    expect(sendEmail).not.toHaveBeenCalled();
    const { rows: meter } = await pool.query<{ id: string }>("SELECT id FROM show_participants WHERE show_id = $1", [showId]);
    const about = `show:${showId}:member-ended:${meter[0]?.id}`;
    expect(await outboxKeys(`show:${showId}:%ended%`)).toEqual([
      `${about}:event`,
      `${about}:wallet`,
      `${about}:receipt`,
      `show:${showId}:ended:event`,
      `show:${showId}:ended:wallet`,
      `show:${showId}:ended:revenue`,
    ]);

    trigger.mockRejectedValueOnce(new Error("realtime server unreachable"));
    // The four realtime events went out in one Pusher batch call, which failed; the two emails went.
    expect(await deliverAllDue(pool)).toMatchObject({ delivered: 2, failed: 4 });
    const state = async () =>
      (await pool.query<{ delivered: boolean; last_error: string | null }>("SELECT delivered_at IS NOT NULL AS delivered, last_error FROM outbox_messages WHERE key = $1", [`${about}:event`]))
        .rows[0];
    expect(await state()).toEqual({ delivered: false, last_error: "realtime server unreachable" });
    await pool.query("UPDATE outbox_messages SET available_at = now() WHERE key LIKE $1 AND delivered_at IS NULL", [`show:${showId}:%ended%`]);
    await clearEvents();
    expect(await state()).toEqual({ delivered: true, last_error: null });

    await endShow(member, { showId }, clock.at(70));
    await endShow(performer, { showId }, clock.at(70));
    expect(await outboxKeys(`show:${showId}:%ended%`)).toHaveLength(6);
    await deliverAllDue(pool);
    expect(sendEmail.mock.calls.map((call) => (call as unknown as [{ subject: string }])[0].subject)).toEqual([
      "Receipt: private show with Outbox Stage",
      "Your private show earned 42 credits",
    ]);
  });

  it("a refused join writes nothing to announce", async () => {
    const clock = await Clock.begin();
    const performer = await onlinePerformer("Quiet Stage");
    const broke = await fundedMember(1n, "broke");
    const { showId } = await startGroupShow(performer, {}, clock.at(0));
    await expect(joinGroupShow(broke, { showId, idempotencyKey: randomUUID() }, clock.at(1))).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(await outboxKeys(`show:${showId}:%`)).toEqual([]);
    await endShow(performer, { showId }, clock.at(2));
  });
});
