import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { TRPCError } from "@trpc/server";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as download } from "@/app/api/store/orders/[orderId]/download/route";
import { POST as uploadFile } from "@/app/api/store/items/[itemId]/file/route";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { env } from "@/server/env";
import type { OutgoingEmail } from "@/server/integrations/email";
import { walletBalances } from "@/server/ledger/balances";
import { fundUser } from "@/server/testing/factories";
import { setSetting } from "../settings/settings";
import { suspendUser } from "../accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, expectLedgerInvariantsHold, refusalCodeOf } from "@/server/testing/api";
import { deliverAllDue } from "@/server/outbox/relay";
import { recordStatusEvents } from "@/server/testing/status-events";

/**
 * The store paid from the wallet, on real PostgreSQL: items, orders, refunds, downloads and who may do what.
 * Card payments (mixed orders) are in store-checkout.int.test.ts, against the Stripe emulator.
 */

vi.hoisted(() => {
  process.env.STORAGE_DIR = `${process.cwd()}/.tmp/store-int-${process.pid}`;
});

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    sent.push(message);
  }),
}));

let admin: SessionUser;
let luna: SessionUser;
let rex: SessionUser;
let mia: SessionUser;
let max: SessionUser;

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "us" };
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

async function newItem(seller: SessionUser, fields: { kind?: "PHYSICAL" | "DIGITAL"; price?: bigint; stock?: number | null; title?: string } = {}) {
  const input = {
    kind: fields.kind ?? "PHYSICAL",
    title: fields.title ?? `Item ${randomUUID().slice(0, 6)}`,
    description: "A test item",
    price: fields.price ?? 100n,
    stock: fields.stock === undefined ? 10 : fields.stock,
    active: true,
  } as const;
  return seller.role === "ADMIN" ? callerAs(seller).store.saveSiteItem(input) : callerAs(seller).store.saveMyItem(input);
}

async function cookieOf(user: SessionUser): Promise<string> {
  const token = await encode({
    token: { sub: user.id, role: user.role, username: user.username, sessionVersion: user.sessionVersion },
    secret: env.AUTH_SECRET,
  });
  return `${SESSION_COOKIE_NAME}=${token}`;
}

async function upload(user: SessionUser, itemId: string, bytes: Uint8Array<ArrayBuffer>, name = "setlist.pdf", type = "application/pdf") {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  const request = new NextRequest(`http://127.0.0.1/api/store/items/${itemId}/file`, {
    method: "POST",
    headers: { cookie: await cookieOf(user) },
    body: form,
  });
  const response = await uploadFile(request, { params: Promise.resolve({ itemId }) });
  return { status: response.status, body: (await response.json()) as { error?: string; file?: { mimeType: string } } };
}

async function downloadAs(user: SessionUser | null, orderId: string) {
  const headers = new Headers();
  if (user) headers.set("cookie", await cookieOf(user));
  return download(new NextRequest(`http://127.0.0.1/api/store/orders/${orderId}/download`, { headers }), { params: Promise.resolve({ orderId }) });
}

async function digitalItem(seller: SessionUser, price = 50n) {
  const item = await newItem(seller, { kind: "DIGITAL", price, stock: null });
  expect((await upload(seller, item.id, PDF)).status).toBe(201);
  return item;
}

function buy(user: SessionUser, itemId: string, extra: { quantity?: number; walletPart?: bigint; idempotencyKey?: string; physical?: boolean } = {}) {
  return callerAs(user).store.buy({
    itemId,
    quantity: extra.quantity ?? 1,
    walletPart: extra.walletPart,
    idempotencyKey: extra.idempotencyKey ?? randomUUID(),
    shippingAddress: extra.physical === false ? undefined : ADDRESS,
  });
}

async function stockOf(itemId: string): Promise<number | null> {
  const { rows } = await pool.query<{ stock: number | null }>("SELECT stock FROM store_items WHERE id = $1", [itemId]);
  return rows[0]?.stock ?? null;
}

async function counts() {
  const { rows } = await pool.query<{ transactions: number; orders: number }>(
    "SELECT (SELECT count(*) FROM ledger_transactions)::int AS transactions, (SELECT count(*) FROM store_orders)::int AS orders",
  );
  return rows[0];
}

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Vale");
  rex = await makePerformer(admin, "Chef Rex");
  mia = await makeMember("mia");
  max = await makeMember("max");
  await callerAs(admin).commissions.set({ kind: "STORE", performerShareBps: 8000 });
  await fundUser(pool, mia.id, 10_000n);
  await fundUser(pool, max.id, 10_000n);
});

// What earlier tests left in the outbox is delivered before this one starts, so it can't appear in its emails.
beforeEach(async () => {
  await deliverAllDue(pool);
  sent.length = 0;
  trigger.mockClear();
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
  await rm(env.STORAGE_DIR, { recursive: true, force: true });
});

describe("buying with credits", () => {
  it("sells the last one to exactly one of 20 members buying at once; the others hear it is sold out", async () => {
    const item = await newItem(luna, { price: 100n, stock: 1 });
    const buyers = await Promise.all(Array.from({ length: 20 }, (_, index) => makeMember(`rush${index}`)));
    await Promise.all(buyers.map((buyer) => fundUser(pool, buyer.id, 150n)));

    const results = await Promise.allSettled(buyers.map((buyer) => buy(buyer, item.id)));

    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const { reason } of lost) {
      expect(reason).toBeInstanceOf(TRPCError);
      expect((reason as TRPCError).cause).toMatchObject({ code: "CONFLICT", message: "Sold out: this item has no stock left." });
    }
    expect(await stockOf(item.id)).toBe(0);
    const balances = await Promise.all(buyers.map((buyer) => walletBalances(pool, buyer.id)));
    const winner = results.findIndex((result) => result.status === "fulfilled");
    expect(balances.map((b) => b.available)).toEqual(buyers.map((_, index) => (index === winner ? 50n : 150n)));
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM store_orders WHERE item_id = $1", [item.id]);
    expect(rows[0]?.n).toBe(1);
    expect((await walletBalances(pool, luna.id)).pending).toBeGreaterThanOrEqual(80n);
  });

  it("pays a performer's item from the wallet: the commission exact, the order paid, receipt and new-order emails sent", async () => {
    const item = await newItem(rex, { price: 125n, stock: 5 });
    const before = await walletBalances(pool, mia.id);
    const rexBefore = await walletBalances(pool, rex.id);

    const placed = await buy(mia, item.id, { quantity: 2 });

    expect(placed).toMatchObject({ status: "PAID", checkoutUrl: null, replayed: false });
    expect((await walletBalances(pool, mia.id)).available).toBe(before.available - 250n);
    expect((await walletBalances(pool, rex.id)).pending).toBe(rexBefore.pending + 200n);
    expect(await stockOf(item.id)).toBe(3);
    const { rows } = await pool.query<{ kind: string; metadata: Record<string, unknown>; revenue: string }>(
      `SELECT t.kind, t.metadata,
              (SELECT e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                WHERE e.transaction_id = t.id AND a.type = 'REVENUE') AS revenue
         FROM store_orders o JOIN ledger_transactions t ON t.id = o.sale_transaction_id WHERE o.id = $1`,
      [placed.orderId],
    );
    expect(rows[0]).toMatchObject({ kind: "STORE_SALE", revenue: "50", metadata: { saleKind: "STORE", amount: "250", performerShare: "200", rateBps: 8000 } });

    const order = await callerAs(mia).store.order({ orderId: placed.orderId });
    expect(order).toMatchObject({ status: "PAID", quantity: 2, total: 250n, walletPart: 250n, cardPart: 0n, seller: { name: "Chef Rex" } });
    expect(order.shippingAddress).toMatchObject({ country: "US" });
    expect(order.events.map((event) => event.status)).toEqual(["PAID"]);
    await deliverAllDue(pool);
    expect(sent.map((message) => [message.to, message.subject])).toEqual([
      [mia.email, `Receipt: ${item.title}`],
      [rex.email, `New order: ${item.title}`],
    ]);
    await deliverAllDue(pool);
    expect(sent[0]?.text).toContain("Total: 250 credits");
    expect(sent[1]?.text).toContain("1 Main Street");
    expect(trigger).toHaveBeenCalledWith(`private-user-${mia.id}`, "wallet.updated", expect.anything());
    expect(trigger).toHaveBeenCalledWith(`private-user-${rex.id}`, "wallet.updated", expect.anything());
  });

  it("sends a site item's whole price to revenue and tells the admins", async () => {
    const item = await newItem(admin, { price: 30n, stock: null });
    const placed = await buy(mia, item.id);
    const { rows } = await pool.query<{ metadata: Record<string, unknown> }>(
      "SELECT t.metadata FROM store_orders o JOIN ledger_transactions t ON t.id = o.sale_transaction_id WHERE o.id = $1",
      [placed.orderId],
    );
    expect(rows[0]?.metadata).toMatchObject({ performerId: null, amount: "30", performerShare: "0", platformShare: "30" });
    expect(await stockOf(item.id)).toBeNull();
    await deliverAllDue(pool);
    expect(sent.some((message) => message.to === admin.email && message.subject === `New order: ${item.title}`)).toBe(true);
  });

  it("returns the same order for a retry with the same key, and refuses the key for another order", async () => {
    const item = await newItem(luna, { price: 10n, stock: 3 });
    const key = randomUUID();
    const first = await buy(max, item.id, { idempotencyKey: key });
    const again = await buy(max, item.id, { idempotencyKey: key });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await stockOf(item.id)).toBe(2);
    expect(await refusalCodeOf(() => buy(max, item.id, { idempotencyKey: key, quantity: 2 }))).toBe("CONFLICT");
  });

  it("delivers a digital item at once, and only its buyer may download it", async () => {
    const item = await digitalItem(luna);
    const placed = await buy(mia, item.id, { physical: false });
    expect(placed.status).toBe("DELIVERED");

    const mine = await downloadAs(mia, placed.orderId);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-type")).toBe("application/pdf");
    expect(new Uint8Array(await mine.arrayBuffer())).toEqual(PDF);
    expect((await callerAs(mia).store.order({ orderId: placed.orderId })).canDownload).toBe(true);

    expect((await downloadAs(max, placed.orderId)).status).toBe(404);
    expect((await downloadAs(luna, placed.orderId)).status).toBe(403);
    expect((await downloadAs(admin, placed.orderId)).status).toBe(403);
    expect((await downloadAs(null, placed.orderId)).status).toBe(401);
    expect((await downloadAs(mia, randomUUID())).status).toBe(404);

    await callerAs(luna).store.refund({ orderId: placed.orderId });
    expect((await downloadAs(mia, placed.orderId)).status).toBe(403);
  });
});

describe("refusals change nothing", () => {
  it.each([
    ["a price of 0", { price: 0n }, "The price must be at least 1 credit."],
    ["a price over the maximum", { price: 1_000_001n }, "The price can be at most 1,000,000 credits."],
    ["negative stock", { stock: -1 }, "Stock cannot be negative."],
  ])("an item with %s", async (_what, change, message) => {
    const before = await counts();
    const error = await callerAs(luna)
      .store.saveMyItem({ kind: "PHYSICAL", title: "Bad item", description: "", price: 10n, stock: 1, active: true, ...change })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(JSON.stringify((error as TRPCError).cause)).toContain(message);
    const { rows } = await pool.query("SELECT 1 FROM store_items WHERE title = 'Bad item'");
    expect(rows).toHaveLength(0);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["buying one's own item", "own", "FORBIDDEN"],
    ["buying a sold-out item", "sold-out", "CONFLICT"],
    ["more from the wallet than the cap allows", "over-cap", "BAD_REQUEST"],
    ["more than the wallet holds", "over-balance", "INSUFFICIENT_FUNDS"],
    ["a physical item with no address", "no-address", "BAD_REQUEST"],
    ["an item of a suspended performer", "suspended", "PRECONDITION_FAILED"],
    ["a digital item with no file yet", "no-file", "NOT_FOUND"],
  ])("%s", async (_what, scenario, code) => {
    const seller = scenario === "suspended" ? await makePerformer(admin, "Soon Suspended") : luna;
    const item = scenario === "no-file" ? await newItem(seller, { kind: "DIGITAL", stock: null }) : await newItem(seller, { price: 100n, stock: 2 });
    if (scenario === "sold-out") await pool.query("UPDATE store_items SET stock = 0 WHERE id = $1", [item.id]);
    if (scenario === "suspended") await suspendUser(admin, { userId: seller.id, reason: "Test" });
    if (scenario === "over-cap") await setSetting(admin.id, "store", { maxWalletShareBps: 5000, creditPriceMinor: 10n, currency: "usd" });
    const poor = await makeMember("poor");
    await fundUser(pool, poor.id, 20n);
    const buyer = scenario === "own" ? luna : scenario === "over-balance" ? poor : mia;
    const before = await counts();
    const stockBefore = await stockOf(item.id);
    const balanceBefore = await walletBalances(pool, buyer.id);
    try {
      const attempt = () =>
        buy(buyer, item.id, {
          walletPart: scenario === "over-cap" ? 60n : undefined,
          physical: scenario !== "no-address" && scenario !== "no-file",
        });
      expect(await refusalCodeOf(attempt)).toBe(code);
    } finally {
      if (scenario === "over-cap") await setSetting(admin.id, "store", { maxWalletShareBps: 10_000, creditPriceMinor: 10n, currency: "usd" });
    }
    expect(await counts()).toEqual(before);
    expect(await stockOf(item.id)).toBe(stockBefore);
    expect(await walletBalances(pool, buyer.id)).toEqual(balanceBefore);
  });

  it("refuses to sell a digital item twice in one order", async () => {
    const item = await digitalItem(luna);
    expect(await refusalCodeOf(() => buy(mia, item.id, { quantity: 2, physical: false }))).toBe("BAD_REQUEST");
  });

  it("refuses a file that is not an accepted type, or says it is something else", async () => {
    const item = await newItem(luna, { kind: "DIGITAL", stock: null });
    const html = await upload(luna, item.id, new TextEncoder().encode("<html><script>alert(1)</script>"), "x.pdf", "application/pdf");
    expect(html).toMatchObject({ status: 400, body: { error: expect.stringContaining("can't be sold here") } });
    const lying = await upload(luna, item.id, PDF, "x.pdf", "text/html");
    expect(lying).toMatchObject({ status: 400, body: { error: "The file says it is text/html but its contents are a PDF." } });
    const physical = await newItem(luna);
    expect((await upload(luna, physical.id, PDF)).status).toBe(400);
    const { rows } = await pool.query<{ storage_key: string | null }>("SELECT storage_key FROM store_items WHERE id = $1", [item.id]);
    expect(rows[0]?.storage_key).toBeNull();
  });
});

describe("who may do what", () => {
  it("a performer can't edit, upload to, or see the orders of another performer's items", async () => {
    const item = await newItem(luna, { price: 40n });
    const placed = await buy(mia, item.id);
    const edit = { id: item.id, kind: "PHYSICAL", title: "Hijacked", description: "", price: 1n, stock: 1, active: true } as const;

    expect(await refusalCodeOf(() => callerAs(rex).store.saveMyItem(edit))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => callerAs(admin).store.saveSiteItem(edit))).toBe("NOT_FOUND");
    expect((await upload(rex, item.id, PDF)).status).toBe(404);
    expect(await refusalCodeOf(() => callerAs(rex).store.order({ orderId: placed.orderId }))).toBe("NOT_FOUND");
    expect((await callerAs(rex).store.sellerOrders()).some((order) => order.id === placed.orderId)).toBe(false);
    expect((await callerAs(rex).store.myItems()).some((mine) => mine.id === item.id)).toBe(false);
    expect(await refusalCodeOf(() => callerAs(rex).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED" }))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => callerAs(rex).store.refund({ orderId: placed.orderId }))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => callerAs(max).store.order({ orderId: placed.orderId }))).toBe("NOT_FOUND");
    expect((await pool.query<{ title: string }>("SELECT title FROM store_items WHERE id = $1", [item.id])).rows[0]?.title).toBe(item.title);

    expect((await callerAs(luna).store.sellerOrders()).map((order) => order.id)).toContain(placed.orderId);
    expect(await callerAs(luna).store.saveMyItem({ ...edit, title: "Renamed", price: 45n })).toMatchObject({ title: "Renamed", price: 45n });
  });

  it.each([
    ["store.myItems", (api: ReturnType<typeof callerAs>) => api.store.myItems(), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "OK", admin: "FORBIDDEN" }],
    ["store.siteItems", (api: ReturnType<typeof callerAs>) => api.store.siteItems(), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["store.allOrders", (api: ReturnType<typeof callerAs>) => api.store.allOrders({}), { anonymous: "UNAUTHORIZED", member: "FORBIDDEN", performer: "FORBIDDEN", admin: "OK" }],
    ["store.myOrders", (api: ReturnType<typeof callerAs>) => api.store.myOrders(), { anonymous: "UNAUTHORIZED", member: "OK", performer: "OK", admin: "OK" }],
    ["store.catalogue", (api: ReturnType<typeof callerAs>) => api.store.catalogue(), { anonymous: "OK", member: "OK", performer: "OK", admin: "OK" }],
  ] as const)("%s by tier", async (_name, call, expected) => {
    const users = { anonymous: null, member: mia, performer: luna, admin };
    for (const [tier, code] of Object.entries(expected)) {
      expect(await refusalCodeOf(() => call(callerAs(users[tier as keyof typeof users]))), tier).toBe(code);
    }
  });

  it("the seller ships and delivers; the buyer and admins can't, but an admin can refund", async () => {
    const item = await newItem(luna, { price: 60n, stock: 4 });
    const placed = await buy(max, item.id);
    expect(await refusalCodeOf(() => callerAs(max).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED" }))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(admin).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED" }))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(luna).store.changeStatus({ orderId: placed.orderId, status: "DELIVERED" }))).toBe("PRECONDITION_FAILED");

    const shipped = await callerAs(luna).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED", note: "Tracking 1Z999" });
    expect(shipped).toMatchObject({ status: "SHIPPED", trackingNote: "Tracking 1Z999", nextStatuses: ["DELIVERED", "REFUNDED"] });
    await deliverAllDue(pool);
    expect(sent.at(-1)).toMatchObject({ to: max.email, subject: `Shipped: ${item.title}` });
    expect(sent.at(-1)?.text).toContain("Tracking: Tracking 1Z999");
    const delivered = await callerAs(luna).store.changeStatus({ orderId: placed.orderId, status: "DELIVERED" });
    expect(delivered.events.map((event) => event.status)).toEqual(["PAID", "SHIPPED", "DELIVERED"]);
    await deliverAllDue(pool);
    expect(sent.at(-1)).toMatchObject({ to: max.email, subject: `Delivered: ${item.title}` });

    const before = await walletBalances(pool, max.id);
    const refunded = await callerAs(admin).store.refund({ orderId: placed.orderId, reason: "Damaged in transit" });
    expect(refunded.status).toBe("REFUNDED");
    expect((await walletBalances(pool, max.id)).available).toBe(before.available + 60n);
    expect(await refusalCodeOf(() => callerAs(admin).store.refund({ orderId: placed.orderId }))).toBe("PRECONDITION_FAILED");
  });

  it("an admin ships a site item, and sees every order with filters", async () => {
    const item = await newItem(admin, { price: 15n, title: `Site shirt ${randomUUID().slice(0, 6)}` });
    const placed = await buy(mia, item.id);
    expect((await callerAs(admin).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED" })).status).toBe("SHIPPED");

    const site = await callerAs(admin).store.allOrders({ seller: "site", status: "SHIPPED" });
    expect(site.map((order) => order.id)).toContain(placed.orderId);
    expect(site.every((order) => order.seller === null && order.status === "SHIPPED")).toBe(true);
    expect((await callerAs(admin).store.allOrders({ seller: "performers" })).some((order) => order.id === placed.orderId)).toBe(false);
    expect((await callerAs(admin).store.allOrders({ search: item.title })).map((order) => order.id)).toEqual([placed.orderId]);
    expect((await callerAs(admin).store.allOrders({ search: mia.username })).map((order) => order.id)).toContain(placed.orderId);
  });
});

describe("refunds", () => {
  it("a refunded wallet order repays the buyer, takes the performer's share back from pending, and restocks", async () => {
    const item = await newItem(luna, { price: 90n, stock: 2 });
    const miaBefore = await walletBalances(pool, mia.id);
    const lunaBefore = await walletBalances(pool, luna.id);
    const placed = await buy(mia, item.id);
    expect(await stockOf(item.id)).toBe(1);

    const refunded = await callerAs(luna).store.refund({ orderId: placed.orderId, reason: "Out of print" });

    expect(refunded.status).toBe("REFUNDED");
    expect(refunded.events.at(-1)).toMatchObject({ status: "REFUNDED", note: "Out of print", by: luna.displayName });
    expect(await walletBalances(pool, mia.id)).toEqual(miaBefore);
    expect((await walletBalances(pool, luna.id)).pending).toBe(lunaBefore.pending);
    expect(await stockOf(item.id)).toBe(2);
    await deliverAllDue(pool);
    expect(sent.at(-1)).toMatchObject({ to: mia.email, subject: `Refunded: ${item.title}` });
    expect(sent.at(-1)?.text).toContain("90 credits are back in your wallet.");
    const { rows } = await pool.query<{ kind: string; reverses_id: string }>(
      "SELECT t.kind, t.reverses_id FROM store_orders o JOIN ledger_transactions t ON t.id = o.refund_transaction_id WHERE o.id = $1",
      [placed.orderId],
    );
    expect(rows[0]?.kind).toBe("SALE_REFUND");
    expect(await refusalCodeOf(() => callerAs(mia).store.refund({ orderId: placed.orderId }))).toBe("PRECONDITION_FAILED");
  });

  it("the buyer can't refund their own order", async () => {
    const item = await newItem(luna, { price: 5n });
    const placed = await buy(mia, item.id);
    expect(await refusalCodeOf(() => callerAs(mia).store.refund({ orderId: placed.orderId }))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(mia).store.cancel({ orderId: placed.orderId }))).toBe("PRECONDITION_FAILED");
  });
});

describe("status events for open order pages", () => {
  const eventsOf = recordStatusEvents(trigger, "order.updated");

  it("tells the buyer, the seller and the admins of every change, each after it committed", async () => {
    const item = await newItem(luna, { price: 20n });
    const { orderId } = await buy(mia, item.id);
    await deliverAllDue(pool);
    await refusalCodeOf(() => callerAs(mia).store.changeStatus({ orderId, status: "SHIPPED" }));
    await callerAs(luna).store.changeStatus({ orderId, status: "SHIPPED", note: "Tracking 1Z-EVENTS" });
    await deliverAllDue(pool);
    await callerAs(luna).store.changeStatus({ orderId, status: "DELIVERED" });
    await deliverAllDue(pool);
    await callerAs(luna).store.refund({ orderId });
    await deliverAllDue(pool);
    expect(eventsOf(orderId)).toEqual(
      ["PAID", "SHIPPED", "DELIVERED", "REFUNDED"].map((status) => ({
        channels: [`private-user-${mia.id}`, `private-user-${luna.id}`, "private-admins"],
        status,
        committed: true,
      })),
    );
  });

  it("tells the buyer and the admins about a site item's order", async () => {
    const item = await newItem(admin, { price: 15n });
    const { orderId } = await buy(max, item.id);
    await deliverAllDue(pool);
    await callerAs(admin).store.changeStatus({ orderId, status: "SHIPPED" });
    await deliverAllDue(pool);
    expect(eventsOf(orderId)).toEqual(
      ["PAID", "SHIPPED"].map((status) => ({ channels: [`private-user-${max.id}`, "private-admins"], status, committed: true })),
    );
  });
});
