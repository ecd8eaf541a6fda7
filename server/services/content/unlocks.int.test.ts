import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import { messageIdFor } from "@/server/domain/outbox";
import { env } from "@/server/env";
import type { OutgoingEmail } from "@/server/integrations/email";
import { walletBalances } from "@/server/ledger/balances";
import { requestHash } from "@/server/ledger/request-hash";
import { enqueue } from "@/server/outbox/messages";
import { deliverAllDue, deliverDue, startOutboxRelay } from "@/server/outbox/relay";
import { suspendUser } from "@/server/services/accounts";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount } from "@/server/testing/api";
import { insertMembership, insertPlan, makePublishedItem } from "@/server/testing/content";
import { fundUser, fundWallet } from "@/server/testing/factories";
import { countRoundTrips } from "@/server/testing/round-trips";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { createContentItem } from "./authoring";
import { unlockContentSchema } from "./inputs";
import { contentReceiptEmail } from "./receipt-email";
import { type UnlockResult, unlockContent, unlockContentAsSession, unlockInTransaction } from "./unlocks";

/**
 * The one statement of a common unlock against the transaction that words every other case: the same outcome and
 * the same rows for each case of the rules (unlockRefusal, findSellingPerformer, the price check, payingWallet),
 * exact answers when they race, and the same receipt and wallet updates delivered from the one outbox message.
 */

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
const sendEmail = vi.hoisted(() => vi.fn<(email: OutgoingEmail) => Promise<void>>(async () => undefined));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));

/** A wallet type of this file's own that pays for content, and one no longer in use. */
const FAN = "unlock-fan";
const RETIRED = "unlock-retired";

let admin: SessionUser;
let performer: SessionUser;
let otherPerformer: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Luna Parity");
  otherPerformer = await makePerformer(admin, "Rex Parity");
  await callerAs(admin).commissions.set({ kind: "CONTENT", performerShareBps: 7500 });
  await pool.query(
    `INSERT INTO wallet_types (id, name, currency, account_kind, pays_for, store_share_cap_bps, active, position)
     VALUES ($1, 'Fan club', 'CRD', $1, '{CONTENT}', 10000, true, 9), ($2, 'Retired', 'CRD', $2, '{CONTENT}', 10000, false, 10)`,
    [FAN, RETIRED],
  );
});

// What earlier tests left in the outbox is delivered before this one starts, so it can't appear in its calls.
beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
  sendEmail.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

async function buyer(credits = 1_000n, wallets: Record<string, bigint> = {}): Promise<SessionUser> {
  const user = await makeMember("buyer");
  if (credits > 0n) await fundUser(pool, user.id, credits);
  for (const [walletTypeId, amount] of Object.entries(wallets)) await fundWallet(pool, user.id, { accountKind: walletTypeId, currency: "CRD" }, amount);
  return user;
}

/** What a call answered: the unlock as the member sees it (the item's and the posting's ids by their roles), or the refusal's code and words. */
async function outcomeOf(itemId: string, call: () => Promise<UnlockResult>) {
  try {
    const result = await call();
    return { ok: { ...result, itemId: result.itemId === itemId ? "<item>" : result.itemId, transactionId: "<posted>" } };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { refused: { code: error.code, message: error.message } };
  }
}

/**
 * Everything the buyer's unlocks wrote, ids replaced by their roles so two runs compare: the postings (kind,
 * description, metadata, request hash), their entries, earnings lots and unlock rows, the outbox rows that name
 * them, and the buyer's balances.
 */
async function rowsOf(buyerId: string, itemId: string, request: unknown) {
  const { rows: postings } = await pool.query<{ id: string; kind: string; description: string; metadata: Record<string, unknown>; request_hash: string }>(
    "SELECT id, kind, description, metadata, request_hash FROM ledger_transactions WHERE idempotency_key LIKE $1 ORDER BY id",
    [`content:${buyerId}:%`],
  );
  const ids = postings.map((posting) => posting.id);
  const tx = (id: string) => `<tx ${ids.indexOf(id)}>`;
  const entries = await pool.query<{ transaction_id: string; code: string; amount: string }>(
    `SELECT e.transaction_id, a.code, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE e.transaction_id = ANY($1::bigint[])`,
    [ids],
  );
  const lots = await pool.query<{ transaction_id: string; performer_id: string; sale_kind: string; amount: string; remaining: string; days: number }>(
    `SELECT transaction_id, performer_id, sale_kind, amount, remaining, round(extract(epoch FROM matures_at - created_at) / 86400)::int AS days
       FROM earnings_lots WHERE transaction_id = ANY($1::bigint[]) ORDER BY transaction_id`,
    [ids],
  );
  const unlocks = await pool.query<{ item_id: string; price: string; transaction_id: string; wallet_type_id: string }>(
    "SELECT item_id, price, transaction_id, wallet_type_id FROM content_unlocks WHERE member_id = $1 ORDER BY created_at",
    [buyerId],
  );
  const outbox = await pool.query<{ key: string; kind: string; payload: { transactionId: string } }>(
    "SELECT key, kind, payload FROM outbox_messages WHERE split_part(key, ':', 1) = 'content-unlock' AND split_part(key, ':', 2) = ANY($1::text[]) ORDER BY id",
    [ids],
  );
  const balances = await walletBalances(pool, buyerId);
  const rows = {
    postings: postings.map(({ id, request_hash, ...posting }) => ({ ...posting, id: tx(id), request: request_hash === requestHash(request) ? "<this request>" : request_hash })),
    entries: entries.rows.map((entry) => ({ ...entry, transaction_id: tx(entry.transaction_id) })),
    lots: lots.rows.map((lot) => ({ ...lot, transaction_id: tx(lot.transaction_id) })),
    unlocks: unlocks.rows.map((unlock) => ({ ...unlock, transaction_id: tx(unlock.transaction_id) })),
    outbox: outbox.rows.map(({ key, kind, payload }) => {
      const [, id, ...rest] = key.split(":");
      return { key: ["content-unlock", tx(id!), ...rest].join(":"), kind, payload: { ...payload, transactionId: tx(payload.transactionId) } };
    }),
    balances: { available: balances.available.toString(), wallets: Object.fromEntries(Object.entries(balances.wallets).map(([id, amount]) => [id, amount.toString()])) },
  };
  const names: Array<[string, string]> = [[buyerId, "<buyer>"], [itemId, "<item>"], [performer.id, "<performer>"], [otherPerformer.id, "<other performer>"]];
  const named = JSON.parse(names.reduce((text, [id, role]) => text.replaceAll(id, role), JSON.stringify(rows))) as typeof rows;
  // Entries in the order of their accounts' roles: which of two ids sorts first is chance.
  const order = (entry: { transaction_id: string; code: string }) => `${entry.transaction_id} ${entry.code}`;
  return { ...named, entries: named.entries.sort((a, b) => order(a).localeCompare(order(b))) };
}

interface Arranged {
  buyerId: string;
  itemId: string;
  input?: { expectedPrice?: bigint; walletTypeId?: string; idempotencyKey?: string };
}

/** Each case arranges its own buyer and item, once per way of unlocking. */
const PARITY_CASES: Array<[name: string, oneStatement: boolean, arrange: () => Promise<Arranged>]> = [
  ["an item on sale, from Credits", true, async () => ({ buyerId: (await buyer()).id, itemId: (await makePublishedItem(performer, { price: 101n, title: "Moonlight" })).id })],
  [
    "at the price the member confirmed",
    true,
    async () => ({ buyerId: (await buyer()).id, itemId: (await makePublishedItem(performer, { price: 30n })).id, input: { expectedPrice: 30n } }),
  ],
  [
    "from another wallet that pays for content",
    true,
    async () => ({ buyerId: (await buyer(0n, { [FAN]: 100n })).id, itemId: (await makePublishedItem(performer, { price: 40n })).id, input: { walletTypeId: FAN } }),
  ],
  ["by a performer, of another performer's item", true, async () => {
    const buyingPerformer = await makePerformer(admin, "Buying Performer");
    await fundUser(pool, buyingPerformer.id, 100n);
    return { buyerId: buyingPerformer.id, itemId: (await makePublishedItem(otherPerformer, { price: 20n })).id };
  }],
  ["gated by a plan the member is not in", true, async () => {
    const plan = await insertPlan(pool, performer.id, "Parity Club");
    return { buyerId: (await buyer()).id, itemId: (await makePublishedItem(performer, { price: 20n, planId: plan })).id };
  }],
  ["gated by a plan whose membership lapsed", true, async () => {
    const plan = await insertPlan(pool, performer.id, "Lapsed Club");
    const member = await buyer();
    await insertMembership(pool, plan, member.id, -1);
    return { buyerId: member.id, itemId: (await makePublishedItem(performer, { price: 20n, planId: plan })).id };
  }],
  ["again with the same key", false, async () => {
    const member = await buyer();
    const item = await makePublishedItem(performer, { price: 12n });
    const idempotencyKey = randomUUID();
    await unlockContent(member.id, { itemId: item.id, idempotencyKey });
    return { buyerId: member.id, itemId: item.id, input: { idempotencyKey } };
  }],
  ["again with the same key after the item left sale", false, async () => {
    const member = await buyer();
    const item = await makePublishedItem(performer, { price: 12n });
    const idempotencyKey = randomUUID();
    await unlockContent(member.id, { itemId: item.id, idempotencyKey });
    await callerAs(performer).content.setStatus({ itemId: item.id, status: "ARCHIVED" });
    return { buyerId: member.id, itemId: item.id, input: { idempotencyKey } };
  }],
  ["already unlocked with another key", false, async () => {
    const member = await buyer();
    const item = await makePublishedItem(performer, { price: 12n, title: "Twice" });
    await unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() });
    return { buyerId: member.id, itemId: item.id };
  }],
  ["one's own item", false, async () => ({ buyerId: performer.id, itemId: (await makePublishedItem(performer, { price: 10n })).id })],
  ["by an admin", false, async () => ({ buyerId: admin.id, itemId: (await makePublishedItem(performer, { price: 10n })).id })],
  ["by a member of its plan", false, async () => {
    const plan = await insertPlan(pool, performer.id, "Parity Circle");
    const member = await buyer();
    await insertMembership(pool, plan, member.id);
    return { buyerId: member.id, itemId: (await makePublishedItem(performer, { price: 20n, planId: plan, title: "Circle" })).id };
  }],
  ["members-only, by a non-member", false, async () => {
    const plan = await insertPlan(pool, performer.id, "Parity VIP");
    return { buyerId: (await buyer()).id, itemId: (await makePublishedItem(performer, { kind: "POST", price: 20n, planId: plan, membersOnly: true })).id };
  }],
  ["members-only, by a member", false, async () => {
    const plan = await insertPlan(pool, performer.id, "Parity Inner");
    const member = await buyer();
    await insertMembership(pool, plan, member.id);
    return { buyerId: member.id, itemId: (await makePublishedItem(performer, { kind: "POST", price: 20n, planId: plan, membersOnly: true })).id };
  }],
  ["a draft", false, async () => ({
    buyerId: (await buyer()).id,
    itemId: (await createContentItem(performer.id, { kind: "POST", title: "Draft", body: "Hidden", price: 10n })).id,
  })],
  ["an archived item", false, async () => {
    const item = await makePublishedItem(performer, { kind: "POST", price: 10n });
    await callerAs(performer).content.setStatus({ itemId: item.id, status: "ARCHIVED" });
    return { buyerId: (await buyer()).id, itemId: item.id };
  }],
  ["of a suspended performer", false, async () => {
    const suspended = await makePerformer(admin, "Gone Quiet");
    const item = await makePublishedItem(suspended, { kind: "POST", price: 10n });
    await suspendUser(admin, { userId: suspended.id, reason: "Test" });
    return { buyerId: (await buyer()).id, itemId: item.id };
  }],
  ["at a price the member did not see", false, async () => ({
    buyerId: (await buyer()).id,
    itemId: (await makePublishedItem(performer, { price: 45n, title: "Price shift" })).id,
    input: { expectedPrice: 30n },
  })],
  ["more than the wallet holds", false, async () => ({ buyerId: (await buyer(10n)).id, itemId: (await makePublishedItem(performer, { price: 11n })).id })],
  ["from a wallet that does not pay for content", false, async () => ({
    buyerId: (await buyer(100n, { bonus: 100n })).id,
    itemId: (await makePublishedItem(performer, { price: 10n })).id,
    input: { walletTypeId: "bonus" },
  })],
  ["from a wallet no longer in use", false, async () => ({
    buyerId: (await buyer(100n)).id,
    itemId: (await makePublishedItem(performer, { price: 10n })).id,
    input: { walletTypeId: RETIRED },
  })],
  ["from a wallet that does not exist", false, async () => ({
    buyerId: (await buyer(100n)).id,
    itemId: (await makePublishedItem(performer, { price: 10n })).id,
    input: { walletTypeId: "no-such-wallet" },
  })],
  ["an item that does not exist", false, async () => ({ buyerId: (await buyer()).id, itemId: randomUUID() })],
  ["by a user who does not exist", false, async () => ({ buyerId: randomUUID(), itemId: (await makePublishedItem(performer, { price: 10n })).id })],
];

describe("the one statement agrees with the transaction", () => {
  it.each(PARITY_CASES)("%s", async (_name, oneStatement, arrange) => {
    const run = async (way: "statement" | "transaction") => {
      const { buyerId, itemId, input } = await arrange();
      const unlock = { itemId, idempotencyKey: input?.idempotencyKey ?? randomUUID(), expectedPrice: input?.expectedPrice, walletTypeId: input?.walletTypeId };
      const count = await ledgerTransactionCount();
      const { result, roundTrips } = await countRoundTrips(() =>
        outcomeOf(itemId, () => (way === "statement" ? unlockContent(buyerId, unlock) : unlockInTransaction(buyerId, unlockContentSchema.parse(unlock)))),
      );
      // What the member asked for, as both ways record it in the sale's request hash.
      const request = { itemId, expectedPrice: unlock.expectedPrice, walletTypeId: unlock.walletTypeId ?? "credits" };
      return {
        outcome: result,
        posted: (await ledgerTransactionCount()) - count,
        rows: await rowsOf(buyerId, itemId, request),
        oneStatement: roundTrips === 1,
      };
    };
    const statement = await run("statement");
    const transaction = await run("transaction");
    expect({ ...statement, oneStatement: undefined }).toEqual({ ...transaction, oneStatement: undefined });
    expect(statement.oneStatement).toBe(oneStatement);
    expect(statement.posted).toBe(oneStatement ? 1 : 0);
  });
});

describe("a session's unlock", () => {
  it("that no longer counts is refused as signed out, posting nothing, before anything else is worded", async () => {
    const member = await buyer();
    const item = await makePublishedItem(performer, { price: 10n });
    const count = await ledgerTransactionCount();
    const stale = { userId: member.id, sessionVersion: member.sessionVersion + 1 };
    await expect(unlockContentAsSession(stale, { itemId: item.id, idempotencyKey: randomUUID() })).rejects.toThrow("Sign in to continue.");
    await expect(unlockContentAsSession(stale, { itemId: randomUUID(), idempotencyKey: randomUUID() })).rejects.toThrow("Sign in to continue.");
    await suspendUser(admin, { userId: member.id, reason: "Test" });
    const current = { userId: member.id, sessionVersion: member.sessionVersion };
    await expect(unlockContentAsSession(current, { itemId: item.id, idempotencyKey: randomUUID() })).rejects.toThrow("Sign in to continue.");
    expect(await ledgerTransactionCount()).toBe(count);
  });
});

describe("racing unlocks of one item by one member", () => {
  const unlockBothWays = (memberId: string, itemId: string, keys: readonly string[]) =>
    Promise.allSettled(
      keys.map((idempotencyKey, index) =>
        index % 2 === 0 ? unlockContent(memberId, { itemId, idempotencyKey }) : unlockInTransaction(memberId, unlockContentSchema.parse({ itemId, idempotencyKey })),
      ),
    );
  const refusals = (settled: PromiseSettledResult<unknown>[]) =>
    settled.flatMap((result) => (result.status === "rejected" ? [isDomainError(result.reason) ? `${result.reason.code} ${result.reason.message}` : String(result.reason)] : []));

  it("with different keys, the statement and the transaction mixed, post once and refuse the others as already unlocked", async () => {
    const member = await buyer(100n);
    const item = await makePublishedItem(performer, { price: 30n, title: "Rush" });
    const count = await ledgerTransactionCount();
    const settled = await unlockBothWays(member.id, item.id, Array.from({ length: 8 }, () => randomUUID()));
    expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(refusals(settled)).toEqual(Array.from({ length: 7 }, () => "CONFLICT You already unlocked “Rush”; it is in your library."));
    expect(await ledgerTransactionCount()).toBe(count + 1);
    expect((await walletBalances(pool, member.id)).available).toBe(70n);
  });

  it("with different keys and credits for one, refuse the others as already unlocked rather than short of credits", async () => {
    const member = await buyer(30n);
    const item = await makePublishedItem(performer, { price: 30n, title: "Last credits" });
    const count = await ledgerTransactionCount();
    const settled = await Promise.allSettled(Array.from({ length: 8 }, () => unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() })));
    expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(refusals(settled)).toEqual(Array.from({ length: 7 }, () => "CONFLICT You already unlocked “Last credits”; it is in your library."));
    expect(await ledgerTransactionCount()).toBe(count + 1);
    expect((await walletBalances(pool, member.id)).available).toBe(0n);
  });

  it("with one key, the statement and the transaction mixed, post once and answer every call with that unlock", async () => {
    const member = await buyer(100n);
    const item = await makePublishedItem(performer, { price: 30n });
    const count = await ledgerTransactionCount();
    const key = randomUUID();
    const settled = await unlockBothWays(member.id, item.id, Array.from({ length: 8 }, () => key));
    const results = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    expect(refusals(settled)).toEqual([]);
    expect(new Set(results.map((result) => result.transactionId)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await ledgerTransactionCount()).toBe(count + 1);
    expect((await walletBalances(pool, member.id)).available).toBe(70n);
    await deliverAllDue(pool);
    expect(sendEmail).toHaveBeenCalledTimes(1);
  });

  it("of different items, all post, each once", async () => {
    const member = await buyer(100n);
    const items = await Promise.all(Array.from({ length: 4 }, () => makePublishedItem(performer, { price: 20n })));
    const count = await ledgerTransactionCount();
    const results = await Promise.all(items.map((item) => unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() })));
    expect(results.map((result) => result.replayed)).toEqual([false, false, false, false]);
    expect(await ledgerTransactionCount()).toBe(count + 4);
    expect((await walletBalances(pool, member.id)).available).toBe(20n);
  });
});

describe("what an unlock announces", () => {
  /** The messages the unlock's transaction wrote before the statement (two wallet updates and the receipt), as delivered. */
  async function expectAnnounced(member: SessionUser, transactionId: bigint, item: { id: string; title: string; price: bigint }) {
    const about = `content-unlock:${transactionId}`;
    const { rows } = await pool.query<{ created_at: Date }>("SELECT created_at FROM ledger_transactions WHERE id = $1", [transactionId.toString()]);
    const receipt = contentReceiptEmail({
      to: member.email,
      buyerName: member.displayName,
      itemId: item.id,
      title: item.title,
      stageName: "Luna Parity",
      price: item.price,
      transactionId,
      at: rows[0]!.created_at,
      appUrl: env.APP_URL,
    });
    expect(sendEmail.mock.calls).toEqual([[{ ...receipt, messageId: messageIdFor(`${about}:receipt`, new URL(env.APP_URL).hostname) }]]);
    const published = trigger.mock.calls.map((call) => `${(call as unknown[])[0]} ${(call as unknown[])[1]}`);
    expect(published.filter((call) => call === `private-user-${member.id} wallet.updated`)).toHaveLength(1);
    expect(published.filter((call) => call === `private-user-${performer.id} wallet.updated`)).toHaveLength(1);
    const messages = await pool.query<{ key: string; delivered: boolean }>(
      "SELECT key, delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key LIKE $1",
      [`${about}%`],
    );
    expect(messages.rows).toEqual([{ key: about, delivered: true }]);
  }

  it("is the receipt and both wallet updates, under the keys they had, rendered from its one message", async () => {
    const member = await buyer(100n);
    const item = { ...(await makePublishedItem(performer, { price: 25n, title: "Announced" })), title: "Announced", price: 25n };
    const { transactionId } = await unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() });
    // The title on sale changes before delivery: the receipt says what was bought.
    await callerAs(performer).content.update({ ...(await callerAs(performer).content.get({ itemId: item.id })), itemId: item.id, title: "Renamed" });
    await deliverAllDue(pool);
    await expectAnnounced(member, transactionId, item);
  });

  it("once, when a relay dies before its commit: the next claim delivers it", async () => {
    // A message ahead of the unlock's in the same batch whose delivery kills the relay's session, as a crash would:
    // the receipt, sent alongside, fails with it, as it would in a process that is gone.
    await enqueue(pool, [{ key: `test:${randomUUID()}`, kind: "realtime", channels: ["private-crash"], event: "crash.now", data: {} }]);
    let crash!: () => void;
    const crashed = new Promise<void>((resolve) => {
      crash = resolve;
    });
    let dead = true;
    trigger.mockImplementation(async (_channels: string | string[], event: string) => {
      if (event === "crash.now" && dead) {
        // With a timeout the call returns once the backend has exited, so its row locks are gone before the next relay claims.
        await pool.query("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()");
        crash();
        throw new Error("the relay died");
      }
      return {};
    });
    sendEmail.mockImplementation(async () => {
      if (!dead) return;
      await crashed;
      throw new Error("the relay died");
    });
    try {
      const member = await buyer(100n);
      const item = { ...(await makePublishedItem(performer, { price: 15n, title: "Crash" })), title: "Crash", price: 15n };
      const { transactionId } = await unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() });
      await expect(deliverDue(pool)).rejects.toThrow();
      const pending = await pool.query("SELECT delivered_at FROM outbox_messages WHERE key = $1", [`content-unlock:${transactionId}`]);
      expect(pending.rows).toEqual([{ delivered_at: null }]);

      dead = false;
      trigger.mockClear();
      sendEmail.mockClear();
      await deliverAllDue(pool);
      await expectAnnounced(member, transactionId, item);
    } finally {
      trigger.mockImplementation(async () => ({}));
      sendEmail.mockImplementation(async () => undefined);
    }
  });

  it("wakes the relay when nothing else waits in the outbox", async () => {
    // Polling once a minute: only the unlock's notification can deliver within the wait below.
    const relay = await startOutboxRelay({ databaseUrl: process.env.DATABASE_URL as string, pool, pollMs: 60_000 });
    try {
      const member = await buyer(100n);
      const item = await makePublishedItem(performer, { price: 5n, title: "Woken" });
      await unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() });
      await expect.poll(() => sendEmail.mock.calls.some(([email]) => email.subject === "Receipt: Woken"), { timeout: 5_000 }).toBe(true);
    } finally {
      await relay.close();
    }
  });
});
