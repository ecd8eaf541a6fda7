import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { renewDueMemberships } from "@/server/services/memberships";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";
import { makePublishedItem } from "@/server/testing/content";
import { fundUser } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => undefined) }));

/**
 * Paying for content and memberships from a wallet the member chose, on real PostgreSQL: refused before any
 * posting when the wallet's rules leave the purpose out; the record remembers the wallet; a renewal charges the
 * wallet the membership started with, or Credits once that wallet may no longer pay for memberships.
 */

const MINUTE = 60_000;
let admin: SessionUser;
let luna: SessionUser;
let planId: string;

/** A wallet type of this file's own that pays for content and memberships (the seeded Bonus pays for neither). */
const FAN = "fan-club";

async function credit(userId: string, walletTypeId: string, amount: bigint) {
  await post(pool, {
    kind: "ADJUSTMENT",
    idempotencyKey: `test-wallet:${randomUUID()}`,
    actorId: null,
    description: "Test funding",
    legs: [
      { account: `user:${userId}:${walletTypeId}:CRD`, amount },
      { account: "system:adjustments:CRD", amount: -amount },
    ],
  });
}

async function member(credits: bigint, wallets: Record<string, bigint> = {}): Promise<SessionUser> {
  const user = await makeMember("spender");
  if (credits > 0n) await fundUser(pool, user.id, credits);
  for (const [walletTypeId, amount] of Object.entries(wallets)) await credit(user.id, walletTypeId, amount);
  return user;
}

async function entriesOf(userId: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    "SELECT count(*) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.owner_id = $1",
    [userId],
  );
  return Number(rows[0]?.count);
}

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Vale");
  await pool.query(
    `INSERT INTO wallet_types (id, name, currency, account_kind, pays_for, store_share_cap_bps, active, position)
     VALUES ($1, 'Fan club', 'CRD', $1, '{CONTENT,MEMBERSHIPS}', 10000, true, 9)`,
    [FAN],
  );
  await callerAs(admin).commissions.set({ kind: "CONTENT", performerShareBps: 7500 });
  await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
  planId = (await callerAs(luna).memberships.createPlan({ name: "Inner Circle", description: "", perks: "", price: 50n, periodDays: 30 })).id;
});

afterAll(async () => {
  await closeDb();
});

describe("unlocking content from a chosen wallet", () => {
  it("refuses the Bonus wallet, which does not pay for content, with nothing posted", async () => {
    const buyer = await member(1000n, { bonus: 500n });
    const item = await makePublishedItem(luna, { price: 40n });
    const before = await entriesOf(buyer.id);

    const refused = callerAs(buyer).content.unlock({ itemId: item.id, idempotencyKey: randomUUID(), walletTypeId: "bonus" });

    await expect(refused).rejects.toMatchObject({ code: "FORBIDDEN", message: "Your Bonus wallet cannot pay for paid content." });
    expect(await entriesOf(buyer.id)).toBe(before);
    expect((await pool.query("SELECT 1 FROM content_unlocks WHERE member_id = $1", [buyer.id])).rows).toHaveLength(0);
    expect(await walletBalances(pool, buyer.id)).toMatchObject({ wallets: { credits: 1000n, bonus: 500n } });
  });

  it("pays from a wallet that may pay for content, and the unlock remembers it; Credits by default", async () => {
    const buyer = await member(1000n, { [FAN]: 100n });
    const fromFan = await makePublishedItem(luna, { price: 40n });
    const fromCredits = await makePublishedItem(luna, { price: 30n });

    await callerAs(buyer).content.unlock({ itemId: fromFan.id, idempotencyKey: randomUUID(), walletTypeId: FAN });
    await callerAs(buyer).content.unlock({ itemId: fromCredits.id, idempotencyKey: randomUUID() });

    expect(await walletBalances(pool, buyer.id)).toMatchObject({ wallets: { credits: 970n, [FAN]: 60n } });
    const { rows } = await pool.query<{ item_id: string; wallet_type_id: string }>("SELECT item_id, wallet_type_id FROM content_unlocks WHERE member_id = $1", [
      buyer.id,
    ]);
    expect(Object.fromEntries(rows.map((row) => [row.item_id, row.wallet_type_id]))).toEqual({ [fromFan.id]: FAN, [fromCredits.id]: "credits" });
    await expectLedgerInvariantsHold();
  });

  it("offers the wallets that may pay, each with its balance", async () => {
    const buyer = await member(1000n, { bonus: 80n, [FAN]: 5n });
    expect(await callerAs(buyer).spending.wallets({ purpose: "CONTENT" })).toEqual([
      { id: "credits", name: "Credits", balance: 1000n, storeShareCapBps: 10_000 },
      { id: FAN, name: "Fan club", balance: 5n, storeShareCapBps: 10_000 },
    ]);
    expect((await callerAs(buyer).spending.wallets({ purpose: "STORE" })).map((wallet) => [wallet.id, wallet.balance, wallet.storeShareCapBps])).toEqual([
      ["credits", 1000n, 10_000],
      ["bonus", 80n, 5_000],
    ]);
  });
});

describe("memberships paid from a chosen wallet", () => {
  async function membershipRow(memberId: string) {
    const { rows } = await pool.query<{ id: string; status: string; current_period_end: Date; wallet_type_id: string }>(
      "SELECT id, status, current_period_end, wallet_type_id FROM memberships WHERE member_id = $1 AND plan_id = $2",
      [memberId, planId],
    );
    if (!rows[0]) throw new Error("no membership");
    return rows[0];
  }

  it("refuses the Bonus wallet, which does not pay for memberships, with nothing posted", async () => {
    const fan = await member(1000n, { bonus: 500n });
    const before = await entriesOf(fan.id);
    const refused = callerAs(fan).memberships.subscribe({ planId, idempotencyKey: randomUUID(), walletTypeId: "bonus" });
    await expect(refused).rejects.toMatchObject({ code: "FORBIDDEN", message: "Your Bonus wallet cannot pay for memberships." });
    expect(await entriesOf(fan.id)).toBe(before);
    expect((await pool.query("SELECT 1 FROM memberships WHERE member_id = $1", [fan.id])).rows).toHaveLength(0);
  });

  it("renews from the wallet it started with, then from Credits once that wallet no longer pays for memberships, then once it is deactivated", async () => {
    const fan = await member(1000n, { [FAN]: 200n });
    await callerAs(fan).memberships.subscribe({ planId, idempotencyKey: randomUUID(), walletTypeId: FAN });
    expect(await walletBalances(pool, fan.id)).toMatchObject({ wallets: { credits: 1000n, [FAN]: 150n } });
    expect((await membershipRow(fan.id)).wallet_type_id).toBe(FAN);

    await renewDueMemberships({ at: new Date((await membershipRow(fan.id)).current_period_end.getTime() + MINUTE) });
    expect(await walletBalances(pool, fan.id)).toMatchObject({ wallets: { credits: 1000n, [FAN]: 100n } });

    await pool.query("UPDATE wallet_types SET pays_for = '{CONTENT}' WHERE id = $1", [FAN]);
    try {
      await renewDueMemberships({ at: new Date((await membershipRow(fan.id)).current_period_end.getTime() + MINUTE) });
      expect(await walletBalances(pool, fan.id)).toMatchObject({ wallets: { credits: 950n, [FAN]: 100n } });
    } finally {
      await pool.query("UPDATE wallet_types SET pays_for = '{CONTENT,MEMBERSHIPS}' WHERE id = $1", [FAN]);
    }

    await pool.query("UPDATE wallet_types SET active = false WHERE id = $1", [FAN]);
    try {
      await renewDueMemberships({ at: new Date((await membershipRow(fan.id)).current_period_end.getTime() + MINUTE) });
      expect(await walletBalances(pool, fan.id)).toMatchObject({ wallets: { credits: 900n, [FAN]: 100n } });
    } finally {
      await pool.query("UPDATE wallet_types SET active = true WHERE id = $1", [FAN]);
    }

    const membership = await membershipRow(fan.id);
    expect(membership).toMatchObject({ status: "ACTIVE", wallet_type_id: FAN });
    const { rows } = await pool.query<{ price: string }>("SELECT price FROM membership_charges WHERE membership_id = $1", [membership.id]);
    expect(rows).toHaveLength(4);
    await expectLedgerInvariantsHold();
  });

  it("a member short in the wallet it started with goes into grace rather than being charged elsewhere", async () => {
    const fan = await member(1000n, { [FAN]: 50n });
    await callerAs(fan).memberships.subscribe({ planId, idempotencyKey: randomUUID(), walletTypeId: FAN });
    const run = await renewDueMemberships({ at: new Date((await membershipRow(fan.id)).current_period_end.getTime() + MINUTE) });
    expect(run.enteredGrace).toBe(1);
    expect(await walletBalances(pool, fan.id)).toMatchObject({ wallets: { credits: 1000n, [FAN]: 0n } });
    expect((await membershipRow(fan.id)).status).toBe("GRACE");
  });

  it("another member cannot cancel the membership", async () => {
    const fan = await member(1000n, { [FAN]: 100n });
    await callerAs(fan).memberships.subscribe({ planId, idempotencyKey: randomUUID(), walletTypeId: FAN });
    const stranger = await makeMember("stranger");
    const refused = callerAs(stranger).memberships.cancel({ membershipId: (await membershipRow(fan.id)).id });
    await expect(refused).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
