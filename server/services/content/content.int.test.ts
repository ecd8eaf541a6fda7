import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { deliverAllDue } from "@/server/outbox/relay";
import { isDomainError } from "@/server/domain/errors";
import { env } from "@/server/env";
import { walletBalances } from "@/server/ledger/balances";
import { fundUser } from "@/server/testing/factories";
import { addContentFile, createContentItem, hasContentAccess } from "@/server/services/content";
import { TEST_IMAGE, TEST_VIDEO, insertMembership, insertPlan, makePublishedItem } from "@/server/testing/content";
import { suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount } from "@/server/testing/api";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";

// Each run stores its files in its own folder, removed afterwards.
vi.hoisted(() => {
  process.env.STORAGE_DIR = `.tmp/test-uploads-content-${process.pid}-${Date.now()}`;
});

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
const sendEmail = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock("@/server/integrations/email", () => ({ sendEmail }));

let admin: SessionUser;
let performer: SessionUser;
let otherPerformer: SessionUser;
let member: SessionUser;
let otherMember: SessionUser;

/** The domain code of a refusal (INSUFFICIENT_FUNDS...), else the tRPC code (UNAUTHORIZED...), else "OK". */
async function refusalOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return isDomainError(error.cause) ? error.cause.code : error.code;
    if (isDomainError(error)) return error.code;
    if (error instanceof ZodError) return "BAD_REQUEST";
    throw error;
  }
}

async function revenueOf(transactionId: bigint): Promise<bigint[]> {
  const { rows } = await pool.query<{ amount: string }>(
    `SELECT e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE e.transaction_id = $1 AND a.type = 'REVENUE'`,
    [transactionId.toString()],
  );
  return rows.map((row) => BigInt(row.amount));
}

const unlock = (user: SessionUser | null, itemId: string, idempotencyKey: string = randomUUID()) =>
  callerAs(user).content.unlock({ itemId, idempotencyKey });

async function storedPath(fileId: string): Promise<string> {
  const { rows } = await pool.query<{ storage_key: string }>("SELECT storage_key FROM content_files WHERE id = $1", [fileId]);
  return path.resolve(env.STORAGE_DIR, rows[0]?.storage_key ?? "missing");
}

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Luna Test");
  otherPerformer = await makePerformer(admin, "Rex Test");
  member = await makeMember();
  otherMember = await makeMember("other");
  await callerAs(admin).commissions.set({ kind: "CONTENT", performerShareBps: 7500 });
  await fundUser(pool, member.id, 10_000n);
  await fundUser(pool, otherMember.id, 10_000n);
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
  await rm(path.resolve(env.STORAGE_DIR), { recursive: true, force: true });
});

describe("creating and editing items", () => {
  const input = { kind: "VIDEO" as const, title: "Moonlight set", price: 40n };

  it.each([
    ["a zero price", { price: 0n }, "A price is at least 1 credit."],
    ["a negative price", { price: -5n }, "A price is at least 1 credit."],
    ["a price over the maximum", { price: 50_001n }, "A price is at most 50,000 credits."],
    ["no title", { title: " " }, "Give the item a title."],
    ["members only without a plan", { membersOnly: true }, "Choose the plan whose members may get this item."],
  ])("refuses %s with a clear message and creates nothing", async (_name, override, message) => {
    const before = (await callerAs(performer).content.mine()).length;
    const error = await callerAs(performer).content.create({ ...input, ...override }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(((error as TRPCError).cause as ZodError).issues.map((issue) => issue.message)).toContain(message);
    expect((await callerAs(performer).content.mine()).length).toBe(before);
  });

  it("refuses another performer's plan, and accepts their own and the site's", async () => {
    const theirs = await insertPlan(pool, otherPerformer.id, "Rex Club");
    const mine = await insertPlan(pool, performer.id, "Luna Club");
    const site = await insertPlan(pool, null, "Premium");
    expect(await refusalOf(() => callerAs(performer).content.create({ ...input, planId: theirs }))).toBe("BAD_REQUEST");
    expect(await refusalOf(() => callerAs(performer).content.create({ ...input, planId: mine, membersOnly: true }))).toBe("OK");
    expect(await refusalOf(() => callerAs(performer).content.create({ ...input, planId: site }))).toBe("OK");
    const choices = await callerAs(performer).content.planChoices();
    expect(choices.map((plan) => plan.id)).toEqual(expect.arrayContaining([mine, site]));
    expect(choices.map((plan) => plan.id)).not.toContain(theirs);
  });

  it("keeps a draft from publishing until it has what it sells", async () => {
    const { id } = await callerAs(performer).content.create(input);
    expect(await refusalOf(() => callerAs(performer).content.setStatus({ itemId: id, status: "PUBLISHED" }))).toBe("PRECONDITION_FAILED");
    await addContentFile(performer.id, { itemId: id, role: "PROTECTED", fileName: "clip.webm", declaredType: "video/webm", data: TEST_VIDEO });
    await callerAs(performer).content.setStatus({ itemId: id, status: "PUBLISHED" });
    expect((await callerAs(performer).content.get({ itemId: id })).status).toBe("PUBLISHED");
    const post = await callerAs(performer).content.create({ ...input, kind: "POST", body: "" });
    expect(await refusalOf(() => callerAs(performer).content.setStatus({ itemId: post.id, status: "PUBLISHED" }))).toBe("PRECONDITION_FAILED");
  });

  it("lets a performer edit and see only their own items and drafts", async () => {
    const { id } = await callerAs(performer).content.create({ ...input, title: "Private draft" });
    const published = await makePublishedItem(performer);
    const update = { itemId: id, title: "Taken over", price: 1n };
    expect({
      get: await refusalOf(() => callerAs(otherPerformer).content.get({ itemId: id })),
      update: await refusalOf(() => callerAs(otherPerformer).content.update(update)),
      publish: await refusalOf(() => callerAs(otherPerformer).content.setStatus({ itemId: id, status: "PUBLISHED" })),
      archive: await refusalOf(() => callerAs(otherPerformer).content.setStatus({ itemId: published.id, status: "ARCHIVED" })),
      delete: await refusalOf(() => callerAs(otherPerformer).content.delete({ itemId: id })),
      deleteFile: await refusalOf(() => callerAs(otherPerformer).content.deleteFile({ fileId: published.teaserFileId })),
      upload: await refusalOf(() =>
        addContentFile(otherPerformer.id, { itemId: id, role: "TEASER", fileName: "x.jpg", declaredType: "image/jpeg", data: TEST_IMAGE }),
      ),
      viewDraft: await refusalOf(() => callerAs(otherPerformer).content.item({ itemId: id })),
      memberViewsDraft: await refusalOf(() => callerAs(member).content.item({ itemId: id })),
      anonymousViewsDraft: await refusalOf(() => callerAs(null).content.item({ itemId: id })),
      memberUpdates: await refusalOf(() => callerAs(member).content.update(update)),
      memberLists: await refusalOf(() => callerAs(member).content.mine()),
      anonymousCreates: await refusalOf(() => callerAs(null).content.create(input)),
    }).toEqual({
      get: "NOT_FOUND",
      update: "NOT_FOUND",
      publish: "NOT_FOUND",
      archive: "NOT_FOUND",
      delete: "NOT_FOUND",
      deleteFile: "NOT_FOUND",
      upload: "NOT_FOUND",
      viewDraft: "NOT_FOUND",
      memberViewsDraft: "NOT_FOUND",
      anonymousViewsDraft: "NOT_FOUND",
      memberUpdates: "FORBIDDEN",
      memberLists: "FORBIDDEN",
      anonymousCreates: "UNAUTHORIZED",
    });
    expect((await callerAs(otherPerformer).content.mine()).map((item) => item.id)).not.toContain(id);
    expect((await callerAs(performer).content.get({ itemId: id })).title).toBe("Private draft");
    expect((await callerAs(performer).content.item({ itemId: id })).access).toBe("owner");
    expect((await callerAs(admin).content.item({ itemId: id })).access).toBe("admin");
    expect((await callerAs(performer).content.get({ itemId: published.id })).status).toBe("PUBLISHED");
  });

  it("edits fields, and the public sees only published items", async () => {
    const { id } = await callerAs(performer).content.create({ ...input, kind: "POST", title: "Notes", body: "Secret words" });
    await callerAs(performer).content.update({ itemId: id, title: "Tour notes", teaser: "What happened on tour", body: "Secret words, revised", price: 15n });
    await callerAs(performer).content.setStatus({ itemId: id, status: "PUBLISHED" });
    const listed = await callerAs(null).content.byPerformer({ username: performer.username });
    expect(listed.find((item) => item.id === id)).toMatchObject({ title: "Tour notes", teaser: "What happened on tour", price: 15n, access: null });
    const publicView = await callerAs(null).content.item({ itemId: id });
    expect(publicView).toMatchObject({ body: null, files: [], unlockRefusal: null });
    await callerAs(performer).content.setStatus({ itemId: id, status: "DRAFT" });
    expect((await callerAs(null).content.byPerformer({ username: performer.username })).map((item) => item.id)).not.toContain(id);
  });
});

describe("unlocking an item", () => {
  it("refuses an unlock at a price the member didn't see, posting nothing, and takes it at the new one", async () => {
    const item = await makePublishedItem(performer, { price: 30n, title: "Price shift" });
    const buyer = await makeMember("buyer");
    await fundUser(pool, buyer.id, 500n);
    await callerAs(performer).content.update({ ...(await callerAs(performer).content.get({ itemId: item.id })), itemId: item.id, price: 45n });
    const count = await ledgerTransactionCount();

    const refused = await callerAs(buyer)
      .content.unlock({ itemId: item.id, idempotencyKey: randomUUID(), expectedPrice: 30n })
      .then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: "CONFLICT", message: "The price changed: “Price shift” now costs 45 credits. Review it and try again." });
    expect(await ledgerTransactionCount()).toBe(count);
    expect(await callerAs(buyer).content.unlock({ itemId: item.id, idempotencyKey: randomUUID(), expectedPrice: 45n })).toMatchObject({ price: 45n });
  });

  it("charges once, splits at the CONTENT rate, records the unlock and tells both sides", async () => {
    const item = await makePublishedItem(performer, { price: 101n, title: "Moonlight" });
    const buyer = await makeMember("buyer");
    await fundUser(pool, buyer.id, 500n);
    const performerBefore = await walletBalances(pool, performer.id);

    const result = await unlock(buyer, item.id);
    expect(result).toMatchObject({ itemId: item.id, replayed: false, price: 101n, title: "Moonlight", stageName: "Luna Test" });
    expect((await walletBalances(pool, buyer.id)).available).toBe(399n);
    expect((await walletBalances(pool, performer.id)).pending - performerBefore.pending).toBe(75n);
    expect(await revenueOf(result.transactionId)).toEqual([26n]);
    const { rows } = await pool.query<{ kind: string; idempotency_key: string; metadata: Record<string, unknown> }>(
      "SELECT kind, idempotency_key, metadata FROM ledger_transactions WHERE id = $1",
      [result.transactionId.toString()],
    );
    expect(rows[0]).toMatchObject({
      kind: "CONTENT_UNLOCK",
      metadata: { saleKind: "CONTENT", itemId: item.id, amount: "101", performerShare: "75", platformShare: "26", rateBps: 7500 },
    });
    expect(rows[0]?.idempotency_key).toMatch(new RegExp(`^content:${buyer.id}:`));
    const { rows: unlocks } = await pool.query("SELECT price, transaction_id FROM content_unlocks WHERE item_id = $1 AND member_id = $2", [item.id, buyer.id]);
    expect(unlocks).toEqual([{ price: "101", transaction_id: result.transactionId.toString() }]);

    await deliverAllDue(pool);
    expect(trigger).toHaveBeenCalledWith(`private-user-${buyer.id}`, "wallet.updated", expect.anything());
    expect(trigger).toHaveBeenCalledWith(`private-user-${performer.id}`, "wallet.updated", expect.anything());
    expect(sendEmail).toHaveBeenCalledTimes(1);
    expect(sendEmail).toHaveBeenCalledWith(
      expect.objectContaining({ to: buyer.email, subject: "Receipt: Moonlight", text: expect.stringContaining("Paid: 101 credits from your wallet") as string }),
    );

    const view = await callerAs(buyer).content.item({ itemId: item.id });
    expect(view).toMatchObject({ access: "unlocked", unlockRefusal: "You already unlocked “Moonlight”; it is in your library." });
    expect(view.files.map((file) => file.id)).toEqual([item.protectedFileId]);
    expect((await callerAs(buyer).content.library()).map((entry) => [entry.id, entry.via, entry.paid])).toEqual([[item.id, "unlock", 101n]]);
    const mine = await callerAs(performer).content.mine();
    expect(mine.find((own) => own.id === item.id)).toMatchObject({ salesCount: 1, earned: 75n });
    expect(await hasContentAccess(pool, item.id, buyer.id)).toBe(true);
  });

  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    const item = await makePublishedItem(performer, { price: 7n });
    const buyer = await makeMember("oneTrip");
    await fundUser(pool, buyer.id, 10n);
    const request = await routeRequestAs(buyer, "http://127.0.0.1:3000/api/trpc/content.unlock");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const { result, roundTrips } = await countRoundTrips(() => caller.content.unlock({ itemId: item.id, idempotencyKey: randomUUID(), expectedPrice: 7n }));
    expect(result).toMatchObject({ replayed: false, price: 7n, stageName: "Luna Test" });
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, buyer.id)).available).toBe(3n);
  });

  it("run concurrently with one key, charges once and answers every call with that unlock", async () => {
    const item = await makePublishedItem(performer, { price: 30n });
    const buyer = await makeMember("racer");
    await fundUser(pool, buyer.id, 100n);
    const count = await ledgerTransactionCount();
    const key = randomUUID();

    const results = await Promise.all(Array.from({ length: 6 }, () => unlock(buyer, item.id, key)));
    expect(new Set(results.map((result) => result.transactionId)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await ledgerTransactionCount()).toBe(count + 1);
    expect((await walletBalances(pool, buyer.id)).available).toBe(70n);
    await deliverAllDue(pool);
    expect(sendEmail).toHaveBeenCalledTimes(1);
  });

  it("run concurrently with different keys, charges once and refuses the others clearly", async () => {
    const item = await makePublishedItem(performer, { price: 30n, title: "Encore" });
    const buyer = await makeMember("double");
    await fundUser(pool, buyer.id, 100n);
    const count = await ledgerTransactionCount();

    const settled = await Promise.allSettled(Array.from({ length: 6 }, () => unlock(buyer, item.id)));
    const refused = settled.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(refused).toHaveLength(5);
    for (const refusal of refused) {
      expect(refusal.reason).toBeInstanceOf(TRPCError);
      expect((refusal.reason as TRPCError).code).toBe("CONFLICT");
      expect((refusal.reason as TRPCError).message).toBe("You already unlocked “Encore”; it is in your library.");
    }
    expect(await ledgerTransactionCount()).toBe(count + 1);
    expect((await walletBalances(pool, buyer.id)).available).toBe(70n);

    const later = await refusalOf(() => unlock(buyer, item.id));
    expect(later).toBe("CONFLICT");
    expect(await ledgerTransactionCount()).toBe(count + 1);
  });

  it("answers a retry with the first unlock even after the item left sale", async () => {
    const item = await makePublishedItem(performer, { price: 12n });
    const key = randomUUID();
    const first = await unlock(member, item.id, key);
    await callerAs(performer).content.setStatus({ itemId: item.id, status: "ARCHIVED" });
    const retry = await unlock(member, item.id, key);
    expect(retry).toMatchObject({ transactionId: first.transactionId, replayed: true, price: 12n });
    expect((await callerAs(member).content.item({ itemId: item.id })).access).toBe("unlocked");
    expect((await callerAs(member).content.library()).map((entry) => entry.id)).toContain(item.id);
    expect(await refusalOf(() => callerAs(otherMember).content.item({ itemId: item.id }))).toBe("NOT_FOUND");
  });
});

describe("unlocks that are refused post nothing", () => {
  let onSale: string;
  let draft: string;
  let archived: string;
  let membersOnly: string;
  let expensive: string;
  let suspendedItem: string;

  beforeAll(async () => {
    onSale = (await makePublishedItem(performer, { price: 10n })).id;
    draft = (await createContentItem(performer.id, { kind: "POST", title: "Draft", body: "Hidden", price: 10n })).id;
    archived = (await makePublishedItem(performer, { kind: "POST", price: 10n })).id;
    await callerAs(performer).content.setStatus({ itemId: archived, status: "ARCHIVED" });
    const plan = await insertPlan(pool, performer.id, "Moon Club");
    membersOnly = (await makePublishedItem(performer, { kind: "POST", price: 10n, planId: plan, membersOnly: true })).id;
    expensive = (await makePublishedItem(performer, { kind: "POST", price: 50_000n })).id;
    const suspended = await makePerformer(admin, "Gone Quiet");
    suspendedItem = (await makePublishedItem(suspended, { kind: "POST", price: 10n })).id;
    await suspendUser(admin, { userId: suspended.id, reason: "Test" });
  });

  it.each([
    ["one's own item", () => unlock(performer, onSale), "FORBIDDEN"],
    ["a draft", () => unlock(member, draft), "NOT_FOUND"],
    ["an archived item", () => unlock(member, archived), "NOT_FOUND"],
    ["a members-only item without membership", () => unlock(member, membersOnly), "FORBIDDEN"],
    ["more than the wallet holds", () => unlock(member, expensive), "INSUFFICIENT_FUNDS"],
    ["an item of a suspended performer", () => unlock(member, suspendedItem), "PRECONDITION_FAILED"],
    ["an item that does not exist", () => unlock(member, randomUUID()), "NOT_FOUND"],
    ["while signed out", () => unlock(null, onSale), "UNAUTHORIZED"],
    ["with a malformed key", () => callerAs(member).content.unlock({ itemId: onSale, idempotencyKey: "again" }), "BAD_REQUEST"],
  ])("%s", async (_case, call, expected) => {
    const count = await ledgerTransactionCount();
    const before = await walletBalances(pool, member.id);
    expect(await refusalOf(call)).toBe(expected);
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await walletBalances(pool, member.id)).available).toBe(before.available);
  });

  it("says why, in words the member can act on", async () => {
    await expect(unlock(member, membersOnly)).rejects.toThrow("Only members of Moon Club can get “Test post”.");
    await expect(unlock(member, suspendedItem)).rejects.toThrow("Gone Quiet is suspended and cannot be paid right now.");
    await expect(unlock(member, expensive)).rejects.toThrow("Not enough credits for this payment.");
  });
});

describe("membership gating", () => {
  it("gives plan members a gated item free, refuses to charge them, and lists it in their library", async () => {
    const plan = await insertPlan(pool, performer.id, "Luna Circle");
    const item = await makePublishedItem(performer, { price: 20n, planId: plan, title: "Circle video" });
    const fan = await makeMember("fan");
    await fundUser(pool, fan.id, 100n);
    await insertMembership(pool, plan, fan.id);

    const view = await callerAs(fan).content.item({ itemId: item.id });
    expect(view).toMatchObject({ access: "membership", planName: "Luna Circle" });
    expect(view.files).toHaveLength(1);
    expect(await hasContentAccess(pool, item.id, fan.id)).toBe(true);
    const count = await ledgerTransactionCount();
    await expect(unlock(fan, item.id)).rejects.toThrow("“Circle video” comes with your Luna Circle membership, so there is nothing to pay.");
    expect(await ledgerTransactionCount()).toBe(count);
    expect((await callerAs(fan).content.library()).map((entry) => [entry.id, entry.via, entry.paid])).toEqual([[item.id, "membership", null]]);

    // A non-member may still buy it, since it is not members-only.
    expect((await callerAs(otherMember).content.item({ itemId: item.id })).unlockRefusal).toBeNull();
    expect(await hasContentAccess(pool, item.id, otherMember.id)).toBe(false);
  });

  it("ends with the membership: a lapsed member has no access and may buy it", async () => {
    const plan = await insertPlan(pool, performer.id, "Short Club");
    const item = await makePublishedItem(performer, { price: 20n, planId: plan });
    const former = await makeMember("former");
    await fundUser(pool, former.id, 100n);
    await insertMembership(pool, plan, former.id, -1);
    expect((await callerAs(former).content.item({ itemId: item.id })).access).toBeNull();
    expect(await callerAs(former).content.library()).toEqual([]);
    expect((await unlock(former, item.id)).replayed).toBe(false);
  });

  it("lets only members into a members-only item", async () => {
    const plan = await insertPlan(pool, performer.id, "VIP");
    const item = await makePublishedItem(performer, { kind: "POST", price: 20n, planId: plan, membersOnly: true });
    const vip = await makeMember("vip");
    await insertMembership(pool, plan, vip.id);
    expect(await callerAs(vip).content.item({ itemId: item.id })).toMatchObject({ access: "membership", body: "The protected text" });
    expect(await callerAs(member).content.item({ itemId: item.id })).toMatchObject({
      access: null,
      body: null,
      membersOnly: true,
      unlockRefusal: "Only members of VIP can get “Test post”.",
    });
  });
});

describe("hasContentAccess", () => {
  it("is true for the owner, admins and buyers, false for anyone else", async () => {
    const item = await makePublishedItem(performer, { kind: "ROOM_ACCESS", price: 5n });
    await unlock(member, item.id);
    expect({
      owner: await hasContentAccess(pool, item.id, performer.id),
      admin: await hasContentAccess(pool, item.id, admin.id),
      buyer: await hasContentAccess(pool, item.id, member.id),
      stranger: await hasContentAccess(pool, item.id, otherMember.id),
      otherPerformer: await hasContentAccess(pool, item.id, otherPerformer.id),
      unknownUser: await hasContentAccess(pool, item.id, randomUUID()),
      unknownItem: await hasContentAccess(pool, randomUUID(), member.id),
    }).toEqual({ owner: true, admin: true, buyer: true, stranger: false, otherPerformer: false, unknownUser: false, unknownItem: false });
  });
});

describe("files", () => {
  it("are typed by their bytes: a mismatch or an unknown type is refused and nothing is stored", async () => {
    const { id } = await createContentItem(performer.id, { kind: "PICTURES", title: "Set", price: 5n });
    const text = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const upload = (data: Uint8Array, declaredType: string, role = "PROTECTED") =>
      refusalOf(() => addContentFile(performer.id, { itemId: id, role, fileName: "a.jpg", declaredType, data }));
    expect(await upload(text, "image/jpeg")).toBe("BAD_REQUEST");
    expect(await upload(TEST_IMAGE, "image/png")).toBe("BAD_REQUEST");
    expect(await upload(TEST_VIDEO, "video/webm")).toBe("BAD_REQUEST");
    expect(await upload(TEST_IMAGE, "image/jpeg", "COVER")).toBe("BAD_REQUEST");
    expect(await upload(new Uint8Array(), "")).toBe("BAD_REQUEST");
    expect((await callerAs(performer).content.get({ itemId: id })).files).toEqual([]);
    expect(await upload(TEST_IMAGE, "")).toBe("OK");
  });

  it("replaces the teaser, and a deleted file leaves storage once its row is gone", async () => {
    const item = await makePublishedItem(performer, { kind: "PICTURES" });
    const oldTeaser = await storedPath(item.teaserFileId);
    expect(existsSync(oldTeaser)).toBe(true);
    const teaser = await addContentFile(performer.id, { itemId: item.id, role: "TEASER", fileName: "new.jpg", declaredType: "image/jpeg", data: TEST_IMAGE });
    expect(existsSync(oldTeaser)).toBe(false);
    expect((await callerAs(performer).content.get({ itemId: item.id })).files.filter((file) => file.role === "TEASER").map((file) => file.id)).toEqual([teaser.id]);

    // The last picture of a set on sale stays until the set goes back to draft.
    const picture = item.protectedFileId as string;
    expect(await refusalOf(() => callerAs(performer).content.deleteFile({ fileId: picture }))).toBe("PRECONDITION_FAILED");
    await callerAs(performer).content.setStatus({ itemId: item.id, status: "DRAFT" });
    const picturePath = await storedPath(picture);
    await callerAs(performer).content.deleteFile({ fileId: picture });
    expect(existsSync(picturePath)).toBe(false);
    const { rows } = await pool.query("SELECT 1 FROM content_files WHERE id = $1", [picture]);
    expect(rows).toEqual([]);
  });

  it("keeps a sold item (archive instead) and deletes an unsold one with its files", async () => {
    const sold = await makePublishedItem(performer, { price: 3n });
    await unlock(otherMember, sold.id);
    expect(await refusalOf(() => callerAs(performer).content.delete({ itemId: sold.id }))).toBe("CONFLICT");
    const unsold = await makePublishedItem(performer, { price: 3n });
    const files = [await storedPath(unsold.teaserFileId), await storedPath(unsold.protectedFileId as string)];
    await callerAs(performer).content.delete({ itemId: unsold.id });
    expect(files.map((file) => existsSync(file))).toEqual([false, false]);
    expect(await refusalOf(() => callerAs(performer).content.get({ itemId: unsold.id }))).toBe("NOT_FOUND");
  });
});
