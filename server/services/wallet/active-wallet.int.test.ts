import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { deliverAllDue } from "@/server/outbox/relay";
import { callerAs, expectLedgerInvariantsHold, fieldErrorsOf, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";
import { fundWallet } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { setRoomOnline } from "../rooms";
import { type ShowActor, endShow, heartbeat, requestPrivateShow, respondToRequest, runShowSweep, showMeter } from "../shows";
import { sendTip } from "../tips";
import { autoTopUpAfterSettle } from "./top-ups";

const trigger = vi.hoisted(() => vi.fn(async (...call: unknown[]) => ({ call })));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => undefined) }));

/**
 * The active wallet against real PostgreSQL (issue 13, point 5): tips and shows paid from it, the rules a member
 * sets refused in words with nothing posted, and the automatic top-up during a metered show, once per threshold
 * crossing however many sweeps run at once. Shows cost 60 credits a minute (the default), settled every tick;
 * private shows pay the performer 70%, tips 80%. USD to credits: 10 credits a dollar, no fee (the seeded rate).
 */

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  const api = callerAs(admin);
  await api.commissions.set({ kind: "PRIVATE_SHOW", performerShareBps: 7000 });
  await api.commissions.set({ kind: "TIP", performerShareBps: 8000 });
  // Wallets of the test's own: in credits, one that pays only for shows, one only for tips (no exchange), and a
  // shows wallet that can be topped up; and a Points wallet that may be exchanged out of, with no rate into credits.
  await pool.query(
    `INSERT INTO wallet_types (id, name, currency, account_kind, pays_for, exchange_in, exchange_out, active, updated_at) VALUES
       ('shows-only', 'Shows Pass', 'CRD', 'shows-only', '{SHOWS}', false, false, true, now()),
       ('tips-only', 'Tip Jar', 'CRD', 'tips-only', '{TIPS}', false, false, true, now()),
       ('pass-plus', 'Pass Plus', 'CRD', 'pass-plus', '{SHOWS}', true, false, true, now()),
       ('points', 'Points', 'PTS', 'points', '{}', false, true, true, now())`,
  );
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

const WALLETS = {
  credits: { accountKind: "available", currency: "CRD" },
  bonus: { accountKind: "bonus", currency: "CRD" },
  usd: { accountKind: "usd", currency: "USD" },
  "shows-only": { accountKind: "shows-only", currency: "CRD" },
  "tips-only": { accountKind: "tips-only", currency: "CRD" },
} as const;

const fund = (userId: string, wallet: keyof typeof WALLETS, amount: bigint) => fundWallet(pool, userId, WALLETS[wallet], amount);

async function performerOnline(stageName: string): Promise<SessionUser> {
  const performer = await makePerformer(admin, stageName);
  await setRoomOnline(performer, { online: true });
  return performer;
}

async function dbNow(): Promise<number> {
  const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
  return (rows[0] as { now: Date }).now.getTime();
}

const topUpsOf = async (userId: string) =>
  (
    await pool.query<{ kind: string; outcome: string; amount: string }>(
      "SELECT kind, outcome, amount FROM wallet_top_ups WHERE user_id = $1 ORDER BY id",
      [userId],
    )
  ).rows;

const topUpPostings = async (userId: string) =>
  (
    await pool.query<{ idempotency_key: string }>("SELECT idempotency_key FROM ledger_transactions WHERE kind = 'TOP_UP' AND actor_id = $1 ORDER BY id", [userId])
  ).rows.map((row) => row.idempotency_key);

/** The events sent on the member's channel, by name. */
function eventsTo(userId: string, name: string): unknown[] {
  return trigger.mock.calls
    .filter(([channels, event]) => event === name && JSON.stringify(channels).includes(`private-user-${userId}`))
    .map(([, , data]) => data);
}

describe("choosing the active wallet", () => {
  it("starts on Credits, lists the wallets that may pay, and switches to Bonus", async () => {
    const member = await makeMember("chooser");
    await fund(member.id, "bonus", 40n);
    const api = callerAs(member).walletPreferences;
    const before = await api.get();
    expect(before.activeWalletTypeId).toBe("credits");
    expect(before.autoTopUp).toBeNull();
    expect(before.wallets.filter((wallet) => wallet.mayBeActive).map((wallet) => wallet.id)).toEqual(
      expect.arrayContaining(["credits", "bonus", "shows-only", "tips-only"]),
    );
    expect(before.wallets.find((wallet) => wallet.id === "earnings")?.mayBeActive).toBe(false);
    expect(before.wallets.find((wallet) => wallet.id === "bonus")?.balance).toBe(40n);

    expect((await api.setActive({ walletTypeId: "bonus" })).activeWalletTypeId).toBe("bonus");
  });

  it("refuses a wallet that pays for neither tips nor shows, and an unknown one, changing nothing", async () => {
    const member = await makeMember("refusedchooser");
    const api = callerAs(member).walletPreferences;
    expect(await refusalCodeOf(() => api.setActive({ walletTypeId: "earnings" }))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => api.setActive({ walletTypeId: "usd" }))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => api.setActive({ walletTypeId: "no-such" }))).toBe("NOT_FOUND");
    expect((await api.get()).activeWalletTypeId).toBe("credits");
  });
});

describe("automatic top-up rules", () => {
  it("refuses a top-up loop and wallets whose rules forbid it, with nothing posted and nothing saved", async () => {
    const member = await makeMember("looper");
    const api = callerAs(member).walletPreferences;
    const postings = await ledgerTransactionCount();
    const rule = { below: 100n, amount: 1_000n, maxPerDay: 3 };

    await expect(api.setAutoTopUp({ ...rule, sourceWalletTypeId: "credits" })).rejects.toThrow(/top-up loop/);
    await expect(api.setAutoTopUp({ ...rule, sourceWalletTypeId: "bonus" })).rejects.toThrow(/can't be moved out of your Bonus wallet/);
    await api.setActive({ walletTypeId: "bonus" });
    await expect(api.setAutoTopUp({ ...rule, sourceWalletTypeId: "usd" })).rejects.toThrow(/Bonus wallet can't be topped up/);
    expect(await refusalCodeOf(() => api.setAutoTopUp({ ...rule, sourceWalletTypeId: "usd", maxPerDay: 51 }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => api.setAutoTopUp({ ...rule, sourceWalletTypeId: "usd", amount: 0n }))).toBe("BAD_REQUEST");

    expect((await api.get()).autoTopUp).toBeNull();
    expect(await ledgerTransactionCount()).toBe(postings);
  });

  it("refuses an amount that would come to nothing at the rate in effect, on the amount field, saving nothing", async () => {
    const member = await makeMember("tinytopup");
    const api = callerAs(member).walletPreferences;
    const postings = await ledgerTransactionCount();
    const rule = { sourceWalletTypeId: "usd", below: 100n, maxPerDay: 3 };
    const tooSmall = "Top up by at least $0.10: less comes to nothing in your Credits wallet after the rate and fee.";

    // 9 cents are 0.9 credits at 10 credits a dollar: nothing once rounded down.
    expect(await refusalCodeOf(() => api.setAutoTopUp({ ...rule, amount: 9n }))).toBe("BAD_REQUEST");
    expect(await fieldErrorsOf(() => api.setAutoTopUp({ ...rule, amount: 9n }))).toEqual({ amount: [tooSmall] });
    await expect(api.setAutoTopUp({ ...rule, amount: 1n })).rejects.toThrow(tooSmall);
    // No rate from points into credits at all: the rule could never move anything.
    await expect(api.setAutoTopUp({ ...rule, sourceWalletTypeId: "points", amount: 1_000n })).rejects.toThrow("No exchange rate from PTS to CRD is set.");
    expect((await api.get()).autoTopUp).toBeNull();
    expect(await ledgerTransactionCount()).toBe(postings);

    expect((await api.setAutoTopUp({ ...rule, amount: 10n })).autoTopUp).toMatchObject({ sourceWalletTypeId: "usd", amount: 10n, armed: true });
  });

  it("refuses making the top-up source the active wallet, and a new active wallet the rule can't fill", async () => {
    const member = await makeMember("switcher");
    const api = callerAs(member).walletPreferences;
    await api.setAutoTopUp({ sourceWalletTypeId: "usd", below: 100n, amount: 1_000n, maxPerDay: 3 });
    await expect(api.setActive({ walletTypeId: "bonus" })).rejects.toThrow(/Bonus wallet can't be topped up.*turn off automatic top-up first/);
    const preferences = await api.get();
    expect(preferences.activeWalletTypeId).toBe("credits");
    expect(preferences.autoTopUp).toMatchObject({ sourceWalletTypeId: "usd", below: 100n, amount: 1_000n, maxPerDay: 3, armed: true });

    await api.clearAutoTopUp();
    expect((await api.get()).autoTopUp).toBeNull();
    expect((await api.setActive({ walletTypeId: "bonus" })).activeWalletTypeId).toBe("bonus");

    // Credits top up Pass Plus: making Credits the active wallet would make the rule a loop, so it is refused.
    await api.setActive({ walletTypeId: "pass-plus" });
    await api.setAutoTopUp({ sourceWalletTypeId: "credits", below: 10n, amount: 50n, maxPerDay: 1 });
    await expect(api.setActive({ walletTypeId: "credits" })).rejects.toThrow(
      "Your Credits wallet tops up your active wallet, so it can't be the active one. Choose another top-up source or turn automatic top-up off first.",
    );
    expect(await api.get()).toMatchObject({ activeWalletTypeId: "pass-plus", autoTopUp: { sourceWalletTypeId: "credits" } });
  });
});

describe("tips pay from the active wallet", () => {
  it("takes a tip from the active Bonus wallet and leaves Credits alone", async () => {
    const member = await makeMember("bonustipper");
    const performer = await makePerformer(admin, "Bonus Tippee");
    await fund(member.id, "bonus", 100n);
    await fund(member.id, "credits", 50n);
    await callerAs(member).walletPreferences.setActive({ walletTypeId: "bonus" });

    const tip = await sendTip(member.id, { performerId: performer.id, amount: 30n, idempotencyKey: randomUUID() });
    expect(tip.net).toBe(24n);
    expect((await walletBalances(pool, member.id)).wallets).toMatchObject({ bonus: 70n, credits: 50n });
    expect((await walletBalances(pool, performer.id)).pending).toBe(24n);
  });

  it("refuses a tip from an active wallet whose rules leave tips out, with nothing posted", async () => {
    const member = await makeMember("showpasstipper");
    const performer = await makePerformer(admin, "Pass Tippee");
    await fund(member.id, "shows-only", 100n);
    await fund(member.id, "credits", 100n);
    await callerAs(member).walletPreferences.setActive({ walletTypeId: "shows-only" });
    const postings = await ledgerTransactionCount();

    await expect(sendTip(member.id, { performerId: performer.id, amount: 10n, idempotencyKey: randomUUID() })).rejects.toThrow(
      /Shows Pass wallet cannot pay for tips/,
    );
    expect(await ledgerTransactionCount()).toBe(postings);
    expect((await walletBalances(pool, member.id)).wallets).toMatchObject({ "shows-only": 100n, credits: 100n });
  });
});

/** A private show accepted at second 0 of `start`, and a clock of seconds after it. */
async function livePrivateShow(member: SessionUser, performer: SessionUser) {
  const start = await dbNow();
  const at = (seconds: number) => ({ at: new Date(start + seconds * 1000) });
  const requested = await requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() }, at(0));
  await respondToRequest(performer, { showId: requested.showId, accept: true }, at(0));
  const beat = async (seconds: number) => {
    for (const side of [member, performer] as ShowActor[]) await heartbeat(side, { showId: requested.showId }, at(seconds));
  };
  return { showId: requested.showId, at, beat };
}

describe("shows pay from the wallet that was active when the member asked", () => {
  it("holds and charges the Bonus wallet, and the performer's pending earnings get their share", async () => {
    const member = await makeMember("bonuswatcher");
    const performer = await performerOnline("Bonus Show");
    await fund(member.id, "bonus", 1_000n);
    await fund(member.id, "credits", 500n);
    await callerAs(member).walletPreferences.setActive({ walletTypeId: "bonus" });

    const show = await livePrivateShow(member, performer);
    const started = await walletBalances(pool, member.id);
    expect(started.wallets).toMatchObject({ credits: 500n });
    expect(started.wallets.bonus).toBeLessThanOrEqual(940n);
    expect(started.held).toBeGreaterThanOrEqual(60n);
    const view = await showMeter(member, { showId: show.showId }, show.at(0));
    expect(view.payingWallet).toEqual({ id: "bonus", name: "Bonus", balance: started.wallets.bonus });

    // Switching the active wallet mid-show changes nothing for this show: it stays paid from Bonus.
    await callerAs(member).walletPreferences.setActive({ walletTypeId: "credits" });
    for (let second = 15; second <= 180; second += 15) {
      await show.beat(second);
      await runShowSweep(show.at(second));
    }
    await endShow(member, { showId: show.showId }, show.at(180));

    const after = await walletBalances(pool, member.id);
    expect(after.held).toBe(0n);
    expect(after.wallets).toMatchObject({ bonus: 1_000n - 180n, credits: 500n });
    expect((await walletBalances(pool, performer.id)).pending).toBe(126n);
  });

  it("refuses a show when the active wallet can't pay for shows, with nothing posted", async () => {
    const member = await makeMember("tipjarwatcher");
    const performer = await performerOnline("Jar Show");
    await fund(member.id, "tips-only", 1_000n);
    await fund(member.id, "credits", 1_000n);
    await callerAs(member).walletPreferences.setActive({ walletTypeId: "tips-only" });
    const postings = await ledgerTransactionCount();

    await expect(requestPrivateShow(member, { performerId: performer.id, idempotencyKey: randomUUID() })).rejects.toThrow(
      /Tip Jar wallet cannot pay for private and group shows/,
    );
    expect(await ledgerTransactionCount()).toBe(postings);
  });
});

describe("automatic top-up during a metered show", () => {
  it("fires once per threshold crossing under concurrent sweeps, re-arms above it, and stops at the day's limit", async () => {
    const member = await makeMember("toppedup");
    const performer = await performerOnline("Top Up Show");
    await fund(member.id, "credits", 150n);
    await fund(member.id, "usd", 10_000n);
    await callerAs(member).walletPreferences.setAutoTopUp({ sourceWalletTypeId: "usd", below: 100n, amount: 1_000n, maxPerDay: 2 });

    // Accepting holds the first minute: Credits fall to 90, below the threshold of 100.
    const show = await livePrivateShow(member, performer);
    expect((await walletBalances(pool, member.id)).wallets.credits).toBeLessThan(100n);

    // What several sweeps do after their settlements, at once, while the rule is armed and Credits are below it.
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => autoTopUpAfterSettle(pool, [member.id], show.at(10))));
    await show.beat(15);
    await Promise.all([1, 2, 3, 4].map(() => runShowSweep(show.at(15))));
    expect(await topUpPostings(member.id)).toHaveLength(1);
    expect((await topUpsOf(member.id)).map((row) => row.outcome)).toEqual(["POSTED"]);
    const toppedUp = await walletBalances(pool, member.id);
    expect(toppedUp.wallets.usd).toBe(9_000n);

    // The meter drains Credits: the rule re-arms while they are at or above 100, fires again below, then hits the limit.
    for (let second = 30; second <= 600; second += 15) {
      await show.beat(second);
      await Promise.all([1, 2, 3].map(() => runShowSweep(show.at(second))));
    }
    const day = new Date(await dbNow()).toISOString().slice(0, 10);
    expect(await topUpPostings(member.id)).toEqual([`top-up:${member.id}:${day}:1`, `top-up:${member.id}:${day}:2`]);
    expect((await topUpsOf(member.id)).map((row) => row.outcome)).toEqual(["POSTED", "POSTED", "DAILY_LIMIT"]);
    expect((await walletBalances(pool, member.id)).wallets.usd).toBe(8_000n);

    await deliverAllDue(pool);
    expect(eventsTo(member.id, "wallet.topped_up")).toHaveLength(2);
    expect(eventsTo(member.id, "wallet.topped_up")[0]).toMatchObject({ automatic: true, fromWallet: "Dollars", amount: "1000", toWallet: "Credits", result: "100" });
    expect(eventsTo(member.id, "wallet.top_up_refused")).toEqual([expect.objectContaining({ reason: "DAILY_LIMIT" })]);
  });

  it("tells the member once when the source is short, posting nothing", async () => {
    const member = await makeMember("shortsource");
    const performer = await performerOnline("Short Source Show");
    await fund(member.id, "credits", 150n);
    await fund(member.id, "usd", 999n);
    await callerAs(member).walletPreferences.setAutoTopUp({ sourceWalletTypeId: "usd", below: 100n, amount: 1_000n, maxPerDay: 3 });
    const show = await livePrivateShow(member, performer);

    for (const second of [15, 30, 45]) {
      await show.beat(second);
      await Promise.all([1, 2].map(() => runShowSweep(show.at(second))));
    }
    expect(await topUpPostings(member.id)).toEqual([]);
    expect((await topUpsOf(member.id)).map((row) => row.outcome)).toEqual(["SHORT_OF_FUNDS"]);
    await deliverAllDue(pool);
    expect(eventsTo(member.id, "wallet.top_up_refused")).toEqual([expect.objectContaining({ reason: "SHORT_OF_FUNDS", message: expect.stringMatching(/Dollars wallet/) })]);
    expect((await walletBalances(pool, member.id)).wallets.usd).toBe(999n);
  });
});

describe("a rule the rate has since made useless", () => {
  it("posts nothing when it fires and tells the member once per threshold crossing, however many sweeps run", async () => {
    const member = await makeMember("devalued");
    const performer = await performerOnline("Devalued Show");
    await fund(member.id, "credits", 150n);
    await fund(member.id, "usd", 10_000n);
    // $1.00 is 10 credits when the rule is saved; then the rate falls to half a credit a dollar, and $1.00 is 0.5.
    await callerAs(member).walletPreferences.setAutoTopUp({ sourceWalletTypeId: "usd", below: 300n, amount: 100n, maxPerDay: 5 });
    await callerAs(admin).exchange.addRate({ fromCurrency: "USD", toCurrency: "CRD", rate: "0.5", feeBps: 0 });
    try {
      // Accepting holds the first minute: Credits fall to 90, below the threshold of 300.
      const show = await livePrivateShow(member, performer);
      const refused = "Automatic top-up didn't run: That amount is too small to exchange: it would come to nothing after the rate and fee.";

      for (const second of [15, 30, 45]) {
        await show.beat(second);
        await Promise.all([1, 2, 3].map(() => runShowSweep(show.at(second))));
      }
      await deliverAllDue(pool);
      expect(eventsTo(member.id, "wallet.top_up_refused")).toEqual([expect.objectContaining({ reason: "NOT_ALLOWED", message: refused })]);
      expect(eventsTo(member.id, "wallet.topped_up")).toEqual([]);

      // Back above the threshold the rule re-arms; the meter takes Credits below it again, a second crossing.
      await fund(member.id, "credits", 400n);
      for (let second = 60; second <= 360; second += 15) {
        await show.beat(second);
        await Promise.all([1, 2, 3].map(() => runShowSweep(show.at(second))));
      }
      expect((await walletBalances(pool, member.id)).wallets.credits).toBeLessThan(300n);
      await deliverAllDue(pool);
      expect(eventsTo(member.id, "wallet.top_up_refused")).toEqual([
        expect.objectContaining({ reason: "NOT_ALLOWED", message: refused }),
        expect.objectContaining({ reason: "NOT_ALLOWED", message: refused }),
      ]);

      // Nothing moved: no top-up posting, no log row (a refusal of this kind is only told), Dollars untouched.
      expect(await topUpPostings(member.id)).toEqual([]);
      expect(await topUpsOf(member.id)).toEqual([]);
      expect((await walletBalances(pool, member.id)).wallets.usd).toBe(10_000n);
    } finally {
      await callerAs(admin).exchange.addRate({ fromCurrency: "USD", toCurrency: "CRD", rate: "10", feeBps: 0 });
    }
  });
});

describe("the room's Top up button", () => {
  it("moves the configured amount once per key, and asks for a rule first", async () => {
    const member = await makeMember("clicker");
    const api = callerAs(member).walletPreferences;
    await fund(member.id, "usd", 5_000n);
    await expect(api.topUpNow({ idempotencyKey: randomUUID() })).rejects.toThrow(/Choose a wallet to top up from first/);

    await api.setAutoTopUp({ sourceWalletTypeId: "usd", below: 0n, amount: 2_000n, maxPerDay: 1 });
    const key = randomUUID();
    const first = await api.topUpNow({ idempotencyKey: key });
    const again = await api.topUpNow({ idempotencyKey: key });
    expect(first).toMatchObject({ replayed: false, amount: 2_000n, result: 200n });
    expect(again).toMatchObject({ replayed: true, transactionId: first.transactionId });
    expect((await walletBalances(pool, member.id)).wallets).toMatchObject({ usd: 3_000n, credits: 200n });
    expect((await topUpsOf(member.id)).map((row) => [row.kind, row.outcome])).toEqual([["MANUAL", "POSTED"]]);

    await api.topUpNow({ idempotencyKey: randomUUID() });
    await expect(api.topUpNow({ idempotencyKey: randomUUID() })).rejects.toThrow(/Dollars wallet doesn't hold \$20.00/);
    expect((await walletBalances(pool, member.id)).wallets).toMatchObject({ usd: 1_000n, credits: 400n });
  });
});
