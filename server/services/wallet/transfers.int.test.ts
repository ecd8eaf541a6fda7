import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { CREDITS, systemAccount } from "@/server/domain/ledger";
import { RECIPIENT_PREVIEW_LIMIT } from "@/server/domain/transfers";
import { deliverAllDue } from "@/server/outbox/relay";
import { fundUser, fundWallet } from "@/server/testing/factories";
import { setSetting } from "@/server/services/settings/settings";
import { suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold, refusalCodeOf } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

let admin: SessionUser;

async function counts(): Promise<{ transactions: number; transfers: number }> {
  const { rows } = await pool.query<{ transactions: number; transfers: number }>(
    "SELECT (SELECT count(*)::int FROM ledger_transactions) AS transactions, (SELECT count(*)::int FROM transfers) AS transfers",
  );
  return rows[0] ?? { transactions: 0, transfers: 0 };
}

async function fundedMember(credits: bigint, label = "member"): Promise<SessionUser> {
  const member = await makeMember(label);
  if (credits > 0n) await fundUser(pool, member.id, credits);
  return member;
}

const send = (from: SessionUser, recipient: string, amount: bigint, extra: { note?: string; idempotencyKey?: string; fromWallet?: string } = {}) =>
  callerAs(from).transfers.send({
    recipient,
    amount,
    note: extra.note,
    idempotencyKey: extra.idempotencyKey ?? randomUUID(),
    ...(extra.fromWallet ? { fromWallet: extra.fromWallet } : {}),
  });

/** A credit wallet type made for one test, opened for every user by the wallet-type trigger. */
async function makeWalletType(id: string, rules: { transferable: boolean }): Promise<void> {
  await pool.query(
    `INSERT INTO wallet_types (id, name, currency, account_kind, pays_for, transferable, active, updated_at)
     VALUES ($1, $2, 'CRD', $1, '{TIPS}', $3, true, now())`,
    [id, `Test ${id}`, rules.transferable],
  );
}

const fundCreditsWallet = (userId: string, walletTypeId: string, credits: bigint) =>
  fundWallet(pool, userId, { accountKind: walletTypeId, currency: CREDITS }, credits);

async function transferLegs(transactionId: bigint): Promise<Array<{ code: string; amount: string }>> {
  const { rows } = await pool.query<{ code: string; amount: string }>(
    `SELECT a.code, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY e.amount, a.code`,
    [transactionId.toString()],
  );
  return rows;
}

const terms = (changes: Partial<{ enabled: boolean; dailyLimit: bigint; feeBps: number; minFee: bigint }> = {}) =>
  setSetting(admin.id, "transfers", { enabled: true, dailyLimit: 5_000n, feeBps: 0, minFee: 0n, ...changes });

async function feesOf(transactionId: bigint): Promise<string[]> {
  const { rows } = await pool.query<{ amount: string }>(
    `SELECT e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 AND a.type = 'FEES'`,
    [transactionId.toString()],
  );
  return rows.map((row) => row.amount);
}

beforeAll(async () => {
  admin = await makeAdmin();
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
  await terms();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

describe("sending credits", () => {
  it("moves credits to the recipient, shows each side the other in its history, and updates both wallets live", async () => {
    const mia = await fundedMember(1_000n, "mia");
    const max = await makeMember("max");
    const preview = await callerAs(mia).transfers.preview({ recipient: max.username.toUpperCase(), amount: 150n });
    expect(preview).toEqual({
      recipient: { username: max.username, displayName: max.displayName },
      fromWallet: { id: "credits", name: "Credits" },
      amount: 150n,
      fee: 0n,
      total: 150n,
      remainingToday: 4_850n,
    });

    const result = await send(mia, max.username, 150n, { note: "For the pizza" });
    expect(result).toMatchObject({ replayed: false, amount: 150n, fee: 0n, recipientDisplayName: max.displayName });
    expect((await walletBalances(pool, mia.id)).available).toBe(850n);
    expect((await walletBalances(pool, max.id)).available).toBe(150n);
    const { rows } = await pool.query(
      "SELECT sender_id, recipient_id, amount, fee, note, transaction_id, source_wallet_type_id FROM transfers WHERE id = $1",
      [result.transferId],
    );
    expect(rows).toEqual([
      {
        sender_id: mia.id,
        recipient_id: max.id,
        amount: "150",
        fee: "0",
        note: "For the pizza",
        transaction_id: result.transactionId.toString(),
        source_wallet_type_id: "credits",
      },
    ]);

    const sent = (await callerAs(mia).wallet.history({ kind: "TRANSFER" })).lines;
    expect(sent).toEqual([
      expect.objectContaining({ amount: -150n, description: `Transfer to ${max.displayName}: “For the pizza”`, counterparty: max.displayName }),
    ]);
    const received = (await callerAs(max).wallet.history({})).lines;
    expect(received).toEqual([
      expect.objectContaining({ amount: 150n, kind: "TRANSFER", description: `Transfer from ${mia.displayName}: “For the pizza”`, counterparty: mia.displayName }),
    ]);
    await deliverAllDue(pool);
    expect(trigger).toHaveBeenCalledWith(`private-user-${mia.id}`, "wallet.updated", expect.objectContaining({ available: "850" }));
    expect(trigger).toHaveBeenCalledWith(`private-user-${max.id}`, "wallet.updated", expect.objectContaining({ available: "150" }));
  });

  it("finds the recipient by email too, and a performer can send and receive", async () => {
    const performer = await makePerformer(admin, "Sender Star");
    await fundUser(pool, performer.id, 100n);
    const member = await makeMember();
    await send(performer, member.email.toUpperCase(), 40n);
    await send(member, performer.username, 15n);
    expect((await walletBalances(pool, performer.id)).available).toBe(75n);
    expect((await walletBalances(pool, member.id)).available).toBe(25n);
  });

  it("takes the fee (at least the minimum) into the fees account, on top of the amount", async () => {
    await terms({ feeBps: 250, minFee: 5n });
    const sender = await fundedMember(1_000n);
    const recipient = await makeMember();
    expect(await callerAs(sender).transfers.preview({ recipient: recipient.username, amount: 100n })).toMatchObject({ fee: 5n, total: 105n });
    const small = await send(sender, recipient.username, 100n);
    const large = await send(sender, recipient.username, 400n);
    expect([small.fee, large.fee]).toEqual([5n, 10n]);
    expect(await feesOf(small.transactionId)).toEqual(["5"]);
    expect(await feesOf(large.transactionId)).toEqual(["10"]);
    expect((await walletBalances(pool, sender.id)).available).toBe(1_000n - 105n - 410n);
    expect((await walletBalances(pool, recipient.id)).available).toBe(500n);
    const line = (await callerAs(sender).wallet.history({ kind: "TRANSFER" })).lines[0];
    expect(line).toMatchObject({ amount: -410n, description: `Transfer to ${recipient.displayName} (incl. 10 fee)` });
  });

  it("returns the first transfer for a retry with the same key, and refuses the key for another amount", async () => {
    const sender = await fundedMember(1_000n);
    const recipient = await makeMember();
    const key = randomUUID();
    const first = await send(sender, recipient.username, 10n, { idempotencyKey: key });
    const before = await counts();
    trigger.mockClear();
    expect(await send(sender, recipient.username, 10n, { idempotencyKey: key })).toEqual({ ...first, replayed: true });
    expect(await counts()).toEqual(before);
    expect(trigger).not.toHaveBeenCalled();
    expect(await refusalCodeOf(() => send(sender, recipient.username, 11n, { idempotencyKey: key }))).toBe("CONFLICT");
  });
});

describe("sending from a chosen wallet", () => {
  beforeAll(async () => {
    await makeWalletType("gift", { transferable: true });
    await makeWalletType("locked", { transferable: false });
    await makeWalletType("retired", { transferable: true });
  });

  it("takes amount and fee from a transferable wallet, lands in the recipient's Credits whatever their role, and records the source", async () => {
    await terms({ feeBps: 0, minFee: 2n });
    const sender = await makeMember("gifter");
    await fundCreditsWallet(sender.id, "gift", 300n);
    await fundUser(pool, sender.id, 50n);
    const performer = await makePerformer(admin, "Gift Star");

    const preview = await callerAs(sender).transfers.preview({ recipient: performer.username, amount: 100n, fromWallet: "gift" });
    expect(preview).toMatchObject({ fromWallet: { id: "gift", name: "Test gift" }, fee: 2n, total: 102n });
    const result = await send(sender, performer.username, 100n, { fromWallet: "gift" });

    expect(await transferLegs(result.transactionId)).toEqual([
      { code: `user:${sender.id}:gift:CRD`, amount: "-102" },
      { code: systemAccount("fees"), amount: "2" },
      { code: `user:${performer.id}:available:CRD`, amount: "100" },
    ]);
    const senderWallets = await walletBalances(pool, sender.id);
    expect([senderWallets.wallets.gift, senderWallets.available]).toEqual([198n, 50n]);
    const performerWallets = await walletBalances(pool, performer.id);
    expect([performerWallets.available, performerWallets.earnings]).toEqual([100n, 0n]);
    const { rows } = await pool.query("SELECT source_wallet_type_id FROM transfers WHERE id = $1", [result.transferId]);
    expect(rows).toEqual([{ source_wallet_type_id: "gift" }]);
    const { rows: postings } = await pool.query("SELECT metadata->>'sourceWalletTypeId' AS source FROM ledger_transactions WHERE id = $1", [
      result.transactionId.toString(),
    ]);
    expect(postings).toEqual([{ source: "gift" }]);
    expect((await callerAs(sender).wallet.history({ wallet: "gift" })).lines).toEqual([
      expect.objectContaining({ kind: "TRANSFER", amount: -102n }),
      expect.objectContaining({ kind: "ADJUSTMENT", amount: 300n }),
    ]);
    expect((await callerAs(sender).wallet.history({ wallet: "credits", kind: "TRANSFER" })).lines).toEqual([]);
  });

  it.each([
    ["the Earnings wallet", "earnings", "Credits in your Earnings wallet cannot be sent to other members."],
    ["the Bonus wallet", "bonus", "Credits in your Bonus wallet cannot be sent to other members."],
    ["a wallet whose type is not transferable", "locked", "Credits in your Test locked wallet cannot be sent to other members."],
    ["a wallet whose type is no longer in use", "retired", "Credits in your Test retired wallet cannot be sent to other members."],
  ])("refuses a transfer from %s, in preview and send, posting nothing", async (_case, walletTypeId, message) => {
    const performer = await makePerformer(admin, "Rich Star");
    await fundUser(pool, performer.id, 500n, "earnings");
    await fundUser(pool, performer.id, 500n);
    await fundCreditsWallet(performer.id, walletTypeId, 500n);
    // Retired after the performer's wallet was opened and funded: the credits stay, but nothing may leave it by transfer.
    if (walletTypeId === "retired") await pool.query("UPDATE wallet_types SET active = false WHERE id = 'retired'");
    const recipient = await makeMember();
    const before = await counts();
    const balances = await walletBalances(pool, performer.id);

    const preview = callerAs(performer).transfers.preview({ recipient: recipient.username, amount: 10n, fromWallet: walletTypeId });
    await expect(preview).rejects.toMatchObject({ code: "FORBIDDEN", message });
    await expect(send(performer, recipient.username, 10n, { fromWallet: walletTypeId })).rejects.toMatchObject({ code: "FORBIDDEN", message });
    expect(await counts()).toEqual(before);
    expect(await walletBalances(pool, performer.id)).toEqual(balances);
    expect((await walletBalances(pool, recipient.id)).available).toBe(0n);
  });

  it("refuses a wallet that does not exist", async () => {
    const sender = await fundedMember(100n);
    const recipient = await makeMember();
    const before = await counts();
    expect(await refusalCodeOf(() => send(sender, recipient.username, 10n, { fromWallet: "no-such-wallet" }))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => send(sender, recipient.username, 10n, { fromWallet: "Not A Slug!" }))).toBe("BAD_REQUEST");
    expect(await counts()).toEqual(before);
  });

  it("treats the source wallet as part of the request: the same key from another wallet is a conflict", async () => {
    const sender = await fundedMember(100n);
    await fundCreditsWallet(sender.id, "gift", 100n);
    const recipient = await makeMember();
    const key = randomUUID();
    await send(sender, recipient.username, 10n, { idempotencyKey: key });
    expect(await refusalCodeOf(() => send(sender, recipient.username, 10n, { idempotencyKey: key, fromWallet: "gift" }))).toBe("CONFLICT");
    expect((await walletBalances(pool, sender.id)).wallets.gift).toBe(100n);
  });
});

describe("the daily limit", () => {
  it("lets exactly the allowed transfers through when ten are sent at once", async () => {
    await terms({ dailyLimit: 500n });
    const sender = await fundedMember(10_000n);
    const recipient = await makeMember();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => refusalCodeOf(() => send(sender, recipient.username, 100n))));
    expect(outcomes.filter((outcome) => outcome === "OK")).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome === "PRECONDITION_FAILED")).toHaveLength(5);
    expect((await walletBalances(pool, recipient.id)).available).toBe(500n);
    const { rows } = await pool.query<{ total: string }>("SELECT sum(amount) AS total FROM transfers WHERE sender_id = $1", [sender.id]);
    expect(rows[0]?.total).toBe("500");
    await expect(send(sender, recipient.username, 1n)).rejects.toThrow("You have reached today's transfer limit of 500 credits");
  });

  it("says how much is left today", async () => {
    await terms({ dailyLimit: 500n });
    const sender = await fundedMember(10_000n);
    const recipient = await makeMember();
    await send(sender, recipient.username, 400n);
    expect((await callerAs(sender).transfers.preview({ recipient: recipient.username, amount: 100n })).remainingToday).toBe(0n);
    await expect(send(sender, recipient.username, 150n)).rejects.toThrow("you can send 100 more credits today");
    await expect(callerAs(sender).transfers.preview({ recipient: recipient.username, amount: 150n })).rejects.toThrow("you can send 100 more credits today");
  });
});

describe("refused transfers post nothing", () => {
  let sender: SessionUser;
  let recipient: SessionUser;

  beforeAll(async () => {
    sender = await fundedMember(1_000n, "sender");
    recipient = await makeMember("recipient");
  });

  it.each([
    ["to oneself", () => send(sender, sender.username, 5n), "BAD_REQUEST"],
    ["to oneself by email", () => send(sender, sender.email, 5n), "BAD_REQUEST"],
    ["to a username nobody has", () => send(sender, "nobody-here", 5n), "NOT_FOUND"],
    ["to an email nobody has", () => send(sender, "nobody@tipmeter.test", 5n), "NOT_FOUND"],
    ["of zero credits", () => send(sender, recipient.username, 0n), "BAD_REQUEST"],
    ["of more than the largest transfer", () => send(sender, recipient.username, 100_001n), "BAD_REQUEST"],
    ["of more than the wallet holds", () => send(sender, recipient.username, 1_001n), "INSUFFICIENT_FUNDS"],
    ["whose fee the wallet cannot cover", async () => {
      await terms({ minFee: 1n });
      return send(sender, recipient.username, 1_000n);
    }, "INSUFFICIENT_FUNDS"],
    ["with a note over 140 characters", () => send(sender, recipient.username, 5n, { note: "x".repeat(141) }), "BAD_REQUEST"],
    ["while transfers are off", async () => {
      await terms({ enabled: false });
      return send(sender, recipient.username, 5n);
    }, "PRECONDITION_FAILED"],
    ["while signed out", () => callerAs(null).transfers.send({ recipient: recipient.username, amount: 5n, idempotencyKey: randomUUID() }), "UNAUTHORIZED"],
  ])("%s", async (_case, call, expected) => {
    const before = await counts();
    const balance = (await walletBalances(pool, sender.id)).available;
    expect(await refusalCodeOf(call)).toBe(expected);
    expect(await counts()).toEqual(before);
    expect((await walletBalances(pool, sender.id)).available).toBe(balance);
  });

  it("to a suspended account", async () => {
    const suspended = await makeMember("suspended");
    await suspendUser({ id: admin.id, role: "ADMIN" }, { userId: suspended.id, reason: "Test suspension" });
    const before = await counts();
    expect(await refusalCodeOf(() => send(sender, suspended.username, 5n))).toBe("PRECONDITION_FAILED");
    expect(await refusalCodeOf(() => callerAs(sender).transfers.preview({ recipient: suspended.username, amount: 5n }))).toBe("PRECONDITION_FAILED");
    expect(await counts()).toEqual(before);
  });
});

describe("looking up recipients", () => {
  it("answers a member's first 30 previews in ten minutes and refuses the next, whoever it names", async () => {
    const prober = await fundedMember(100n, "prober");
    const other = await fundedMember(100n, "other");
    const target = await makeMember("target");
    const unknownEmails = Array.from({ length: RECIPIENT_PREVIEW_LIMIT.limit }, (_, index) => `nobody-${index}-${randomUUID()}@example.test`);
    for (const email of unknownEmails) {
      expect(await refusalCodeOf(() => callerAs(prober).transfers.preview({ recipient: email, amount: 1n }))).toBe("NOT_FOUND");
    }

    const refused = await callerAs(prober)
      .transfers.preview({ recipient: target.username, amount: 1n })
      .then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/^You've looked up many recipients in a short time\. Try again in \d+ minutes\.$/) });
    expect(await callerAs(other).transfers.preview({ recipient: target.username, amount: 1n })).toMatchObject({ recipient: { username: target.username } });
  });
});
