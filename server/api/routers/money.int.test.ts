import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { fundUser, insertPaidPurchase } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, ledgerTransactionCount, trpcCodeOf } from "@/server/testing/api";

/** The wallet and admin-ledger procedures: who may call them, bad input, and what an adjustment leaves behind. */
let admin: SessionUser;
let member: SessionUser;
let otherMember: SessionUser;
let performer: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  otherMember = await makeMember("other");
  performer = await makePerformer(admin);
  await fundUser(pool, member.id, 300n);
  await insertPaidPurchase(pool, otherMember.id, 40n);
});

afterAll(async () => {
  await closeDb();
});

describe("who may call the money procedures", () => {
  const adjustInput = () => ({ userId: member.id, wallet: "credits", amount: "5", reason: "Goodwill", idempotencyKey: randomUUID() });
  it.each([
    ["wallet.balances", (api: ReturnType<typeof callerAs>) => api.wallet.balances(), { anonymous: "UNAUTHORIZED", member: "OK", performer: "OK", admin: "OK" }],
    ["wallet.history", (api: ReturnType<typeof callerAs>) => api.wallet.history({}), { anonymous: "UNAUTHORIZED", member: "OK", performer: "OK", admin: "OK" }],
    ["wallet.packages", (api: ReturnType<typeof callerAs>) => api.wallet.packages(), { anonymous: "OK", member: "OK", performer: "OK", admin: "OK" }],
    ["ledger.users", (api: ReturnType<typeof callerAs>) => api.ledger.users({}), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["ledger.explore", (api: ReturnType<typeof callerAs>) => api.ledger.explore({}), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["ledger.books", (api: ReturnType<typeof callerAs>) => api.ledger.books(), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["ledger.packages", (api: ReturnType<typeof callerAs>) => api.ledger.packages(), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["ledger.adjust", (api: ReturnType<typeof callerAs>) => api.ledger.adjust(adjustInput()), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
  ])("%s", async (_name, call, expected) => {
    const got = {
      anonymous: await trpcCodeOf(() => call(callerAs(null))),
      member: await trpcCodeOf(() => call(callerAs(member))),
      performer: await trpcCodeOf(() => call(callerAs(performer))),
      admin: await trpcCodeOf(() => call(callerAs(admin))),
    };
    expect(got).toEqual(expected);
  });

  it("a member sees only their own history and purchases", async () => {
    const mine = await callerAs(member).wallet.history({});
    expect(mine.lines.length).toBeGreaterThan(0);
    const theirs = await callerAs(otherMember).wallet.history({});
    expect(theirs.lines.every((line) => !mine.lines.some((m) => m.firstEntryId === line.firstEntryId))).toBe(true);
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM credit_purchases WHERE user_id = $1", [otherMember.id]);
    expect(await trpcCodeOf(() => callerAs(member).wallet.purchase({ purchaseId: rows[0]?.id as string }))).toBe("NOT_FOUND");
  });
});

describe("admin adjustments", () => {
  it("post against the adjustments account with an audit row, once per key", async () => {
    const key = randomUUID();
    const input = { userId: member.id, wallet: "credits", amount: "75", reason: "Stream outage credit", idempotencyKey: key };
    const first = await callerAs(admin).ledger.adjust(input);
    const retry = await callerAs(admin).ledger.adjust(input);
    expect(retry).toEqual({ transactionId: first.transactionId, replayed: true });
    const { rows: audit } = await pool.query("SELECT actor_id, action, details FROM audit_log WHERE details->>'transactionId' = $1", [
      first.transactionId.toString(),
    ]);
    expect(audit).toEqual([
      { actor_id: admin.id, action: "ledger.adjust", details: expect.objectContaining({ amount: "75", reason: "Stream outage credit" }) },
    ]);
    const history = await callerAs(member).wallet.history({ kind: "ADJUSTMENT" });
    expect(history.lines[0]).toMatchObject({ amount: 75n, counterparty: "Tipmeter support", description: "Adjustment: Stream outage credit" });
    expect(await trpcCodeOf(() => callerAs(admin).ledger.adjust({ ...input, amount: "76" }))).toBe("CONFLICT");
  });

  it.each([
    ["a zero amount", { amount: "0" }, "BAD_REQUEST"],
    ["no reason", { reason: "  " }, "BAD_REQUEST"],
    ["a debit beyond the balance", { amount: "-1000000" }, "CONFLICT"],
    ["an unknown user", { userId: randomUUID() }, "NOT_FOUND"],
    ["a malformed key", { idempotencyKey: "not-a-uuid" }, "BAD_REQUEST"],
  ])("refuse %s and post nothing", async (_name, override, code) => {
    const before = await ledgerTransactionCount();
    const input = { userId: member.id, wallet: "credits", amount: "10", reason: "Correction", idempotencyKey: randomUUID(), ...override };
    expect(await trpcCodeOf(() => callerAs(admin).ledger.adjust(input))).toBe(code);
    expect(await ledgerTransactionCount()).toBe(before);
  });

  it("an insufficient-funds refusal carries a clear message", async () => {
    await expect(
      callerAs(admin).ledger.adjust({ userId: member.id, wallet: "credits", amount: "-1000000", reason: "Too much", idempotencyKey: randomUUID() }),
    ).rejects.toThrow("That would take the Credits balance below zero.");
  });
});

describe("the admin users table and ledger explorer", () => {
  it("lists balances, searches and pages", async () => {
    const { users, total } = await callerAs(admin).ledger.users({ search: member.email, pageSize: 5 });
    expect(total).toBe(1);
    expect(users[0]).toMatchObject({ id: member.id, available: expect.any(BigInt) });
    const sorted = await callerAs(admin).ledger.users({ sort: "available", direction: "desc", pageSize: 100 });
    const amounts = sorted.users.map((u) => u.available);
    expect(amounts).toEqual([...amounts].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it("filters transactions by user and kind, with a cursor", async () => {
    const page = await callerAs(admin).ledger.explore({ userId: member.id, limit: 1 });
    expect(page.transactions).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const next = await callerAs(admin).ledger.explore({ userId: member.id, limit: 1, cursor: page.nextCursor ?? undefined });
    expect(next.transactions[0]?.id).toBeLessThan(page.transactions[0]?.id ?? 0n);
    const purchases = await callerAs(admin).ledger.explore({ kind: "PURCHASE" });
    expect(purchases.transactions.every((t) => t.kind === "PURCHASE")).toBe(true);
    expect(purchases.transactions.some((t) => t.entries.some((e) => e.owner === otherMember.displayName))).toBe(true);
  });

  it("reports the books", async () => {
    const books = await callerAs(admin).ledger.books();
    expect(books.every((check) => check.passed)).toBe(true);
  });
});

describe("credit packages", () => {
  it("an admin creates and edits packages; members see only active ones", async () => {
    const created = await callerAs(admin).ledger.createPackage({ name: "Starter", credits: 100n, bonusCredits: 10n, priceMinor: 999n, currency: "usd", active: true, sortOrder: 1 });
    const hidden = await callerAs(admin).ledger.createPackage({ name: "Retired", credits: 50n, bonusCredits: 0n, priceMinor: 499n, currency: "usd", active: false, sortOrder: 2 });
    const visible = await callerAs(member).wallet.packages();
    expect(visible.map((p) => p.id)).toContain(created.id);
    expect(visible.map((p) => p.id)).not.toContain(hidden.id);
    await callerAs(admin).ledger.updatePackage({ id: created.id, name: "Starter+", credits: 100n, bonusCredits: 20n, priceMinor: 999n, currency: "usd", active: true, sortOrder: 1 });
    expect((await callerAs(member).wallet.packages()).find((p) => p.id === created.id)?.bonusCredits).toBe(20n);
    expect(await trpcCodeOf(() => callerAs(admin).ledger.createPackage({ name: "Free", credits: 100n, bonusCredits: 0n, priceMinor: 10n, currency: "usd", active: true, sortOrder: 0 }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(() => callerAs(admin).ledger.updatePackage({ id: randomUUID(), name: "Ghost", credits: 1n, bonusCredits: 0n, priceMinor: 100n, currency: "usd", active: true, sortOrder: 0 }))).toBe("NOT_FOUND");
  });
});
