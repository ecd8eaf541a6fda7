import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { closeDb, pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import { clawbackLegs } from "@/server/domain/ledger";
import type { OutgoingEmail } from "@/server/integrations/email";
import { walletBalances } from "@/server/ledger/balances";
import { post } from "@/server/ledger/post";
import { deliverAllDue, deliverDue } from "@/server/outbox/relay";
import { callerAs, expectLedgerInvariantsHold, refusalCodeOf } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { crashNextRelayPass } from "@/server/testing/relay-crash";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { suspendUser } from "../accounts";
import { setSetting } from "../settings/settings";
import { type PlaceOrderInput, placeOrder, placeOrderInTransaction, placeOrderSchema } from "./checkout";
import { setItemFile } from "./queries";

/**
 * A store order paid wholly from the wallet is one statement (walletOrderSql in checkout.ts); everything else, and
 * every refusal, goes through the transaction it replaced (placeOrderInTransaction), which stays the reference.
 */

const trigger = vi.hoisted(() => vi.fn<(channels: string | string[], event: string, data?: unknown) => Promise<object>>(async () => ({})));
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

const ADDRESS = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "us" };

let admin: SessionUser;
let member: SessionUser;
let poorMember: SessionUser;
let performer: SessionUser;
let suspended: SessionUser;

type ItemFields = { kind?: "PHYSICAL" | "DIGITAL"; price?: bigint; stock?: number | null; active?: boolean; title?: string; withFile?: boolean };

async function newItem(seller: SessionUser, fields: ItemFields = {}) {
  const kind = fields.kind ?? "PHYSICAL";
  const input = {
    kind,
    title: fields.title ?? "Poster",
    description: "A test item",
    price: fields.price ?? 40n,
    stock: fields.stock === undefined ? 5 : fields.stock,
    active: fields.active ?? true,
  };
  const item = seller.role === "ADMIN" ? await callerAs(seller).store.saveSiteItem(input) : await callerAs(seller).store.saveMyItem(input);
  if (kind === "DIGITAL" && fields.withFile !== false) {
    await setItemFile(pool, item.id, { key: `test/${item.id}`, fileName: "setlist.pdf", mimeType: "application/pdf" });
  }
  return item;
}

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  poorMember = await makeMember("poor");
  performer = await makePerformer(admin, "Shelf Star");
  suspended = await makePerformer(admin, "Gone Quiet");
  await suspendUser(admin, { userId: suspended.id, reason: "Test" });
  await callerAs(admin).commissions.set({ kind: "STORE", performerShareBps: 8000 });
  await fundUser(pool, member.id, 1_000_000n);
  await fundUser(pool, poorMember.id, 10n);
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
  sent.length = 0;
});

afterEach(expectLedgerInvariantsHold);

afterAll(async () => {
  await closeDb();
});

/** The order's rows as the two paths must agree on them, with what differs by nature (ids, times) taken out. */
async function orderRows(orderId: string) {
  const order = (
    await pool.query(
      `SELECT o.item_id, o.buyer_id, o.seller_id, o.quantity, o.unit_price::text, o.total::text, o.wallet_part::text, o.wallet_type_id,
              o.card_part::text, o.card_amount_minor::text, o.currency, o.status, o.shipping_address, o.hold_transaction_id,
              o.refund_transaction_id, o.sale_transaction_id, i.stock AS stock_left
         FROM store_orders o JOIN store_items i ON i.id = o.item_id WHERE o.id = $1`,
      [orderId],
    )
  ).rows[0] as { item_id: string; sale_transaction_id: string } & Record<string, unknown>;
  const saleId = order.sale_transaction_id;
  const [transaction, entries, lots, events] = await Promise.all([
    pool.query(
      `SELECT kind, actor_id, description, metadata - 'orderId' - 'itemId' AS metadata, request_hash IS NOT NULL AS hashed
         FROM ledger_transactions WHERE id = $1`,
      [saleId],
    ),
    pool.query("SELECT a.code, e.amount::text FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY a.code", [saleId]),
    pool.query("SELECT performer_id, amount::text, remaining::text, matures_at - created_at AS hold FROM earnings_lots WHERE transaction_id = $1", [saleId]),
    pool.query("SELECT status, actor_id, note FROM store_order_events WHERE order_id = $1 ORDER BY id", [orderId]),
  ]);
  return {
    order: { ...order, item_id: undefined, sale_transaction_id: saleId ? "sale" : null },
    transaction: transaction.rows,
    entries: entries.rows,
    lots: lots.rows,
    events: events.rows,
  };
}

/** What the order's outbox rows announce: the rows themselves, or what the one row of a one-statement order stands for. */
async function announcementsOf(orderId: string) {
  const { rows } = await pool.query<{ key: string; kind: string; payload: unknown }>(
    "SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1 ORDER BY id",
    [`store-order:${orderId}:%`],
  );
  return rows;
}

const withoutId = (value: unknown, ...ids: string[]) => JSON.parse(ids.reduce((text, id) => text.replaceAll(id, "<id>"), JSON.stringify(value))) as unknown;

async function counts() {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*)::int FROM ledger_transactions) AS transactions, (SELECT count(*)::int FROM store_orders) AS orders,
            (SELECT count(*)::int FROM store_order_events) AS events, (SELECT count(*)::int FROM outbox_messages) AS messages`,
  );
  return rows[0] as Record<string, number>;
}

type Path = "one statement" | "transaction";

/** One order placed by one path, from a fresh arrangement: its refusal, or its rows and what it announces, with nothing else changed. */
async function placeVia(path: Path, buyer: SessionUser, itemFields: ItemFields & { seller: SessionUser }, order: Omit<PlaceOrderInput, "itemId" | "idempotencyKey">) {
  const item = await newItem(itemFields.seller, itemFields);
  const input = { ...order, itemId: item.id, idempotencyKey: randomUUID() };
  const before = await counts();
  try {
    const placed = path === "one statement" ? await placeOrder(buyer.id, input) : await placeOrderInTransaction(buyer.id, placeOrderSchema.parse(input));
    const rows = await orderRows(placed.orderId);
    const messages = await announcementsOf(placed.orderId);
    const oneRow = messages.length === 1 && messages[0]?.kind === "store-order-paid";
    const { orderPaidAnnouncements } = await import("./notifications");
    const announced = oneRow ? (await orderPaidAnnouncements(pool, placed.orderId) ?? []).map(({ key, kind, ...rest }) => ({ key, kind, payload: rest })) : messages;
    return {
      path: oneRow ? "one statement" : "transaction",
      outcome: { status: placed.status, checkoutUrl: placed.checkoutUrl, replayed: placed.replayed },
      rows: withoutId(rows, placed.orderId, item.id),
      announced: withoutId(announced, placed.orderId, item.id),
    };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { refusal: { code: error.code, message: error.message, details: error.details }, unchanged: JSON.stringify(await counts()) === JSON.stringify(before) };
  }
}

describe("a store order paid from the wallet", () => {
  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    const item = await newItem(performer, { price: 40n });
    const request = await routeRequestAs(member, "http://127.0.0.1:3000/api/trpc/store.buy");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: request.headers, cookies: request.cookies }));
    const before = (await walletBalances(pool, member.id)).available;
    const { result, roundTrips } = await countRoundTrips(() =>
      caller.store.buy({ itemId: item.id, quantity: 2, expectedTotal: 80n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() }),
    );
    expect(result).toMatchObject({ status: "PAID", checkoutUrl: null, replayed: false });
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(before - 80n);
  });

  it("from a session that no longer counts is refused as signed out, with nothing posted", async () => {
    const item = await newItem(performer);
    const before = await counts();
    const stale = { ...member, sessionVersion: member.sessionVersion + 1 };
    expect(await refusalCodeOf(() => callerAs(stale).store.buy({ itemId: item.id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: randomUUID() }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await counts()).toEqual(before);
  });
});

describe("the one statement places and refuses exactly as the transaction", () => {
  const physical = { quantity: 2, expectedTotal: 80n, shippingAddress: ADDRESS };
  const cases: Array<{ name: string; item: () => ItemFields & { seller: SessionUser }; buyer?: () => SessionUser; order: Omit<PlaceOrderInput, "itemId" | "idempotencyKey">; placed: boolean; before?: () => Promise<unknown>; after?: () => Promise<unknown> }> = [
    { name: "a performer's physical item", item: () => ({ seller: performer }), order: physical, placed: true },
    { name: "without the total confirmed", item: () => ({ seller: performer }), order: { quantity: 1, shippingAddress: ADDRESS }, placed: true },
    { name: "with the whole total as the wallet part", item: () => ({ seller: performer }), order: { ...physical, walletPart: 80n }, placed: true },
    { name: "the last units in stock", item: () => ({ seller: performer, stock: 2 }), order: physical, placed: true },
    { name: "an item with no stock limit", item: () => ({ seller: performer, stock: null }), order: physical, placed: true },
    { name: "a digital item, delivered at once", item: () => ({ seller: performer, kind: "DIGITAL", stock: null }), order: { quantity: 1 }, placed: true },
    { name: "a digital item with an address given", item: () => ({ seller: performer, kind: "DIGITAL" }), order: { quantity: 1, shippingAddress: ADDRESS }, placed: true },
    { name: "the site's own item", item: () => ({ seller: admin, title: "Site mug" }), order: physical, placed: true },
    { name: "from Credits named", item: () => ({ seller: performer }), order: { ...physical, walletTypeId: "credits" }, placed: true },
    { name: "more than is left", item: () => ({ seller: performer, stock: 1 }), order: physical, placed: false },
    { name: "a sold-out item", item: () => ({ seller: performer, stock: 0 }), order: physical, placed: false },
    { name: "an item off sale", item: () => ({ seller: performer, active: false }), order: physical, placed: false },
    { name: "the buyer's own item", item: () => ({ seller: performer }), buyer: () => performer, order: physical, placed: false },
    { name: "a suspended performer's item", item: () => ({ seller: suspended }), order: physical, placed: false },
    { name: "a digital item without its file", item: () => ({ seller: performer, kind: "DIGITAL", withFile: false }), order: { quantity: 1 }, placed: false },
    { name: "two of a digital item", item: () => ({ seller: performer, kind: "DIGITAL" }), order: { quantity: 2 }, placed: false },
    { name: "a physical item without an address", item: () => ({ seller: performer }), order: { quantity: 1 }, placed: false },
    { name: "at a total that changed", item: () => ({ seller: performer }), order: { ...physical, expectedTotal: 70n }, placed: false },
    { name: "a wallet part above the total", item: () => ({ seller: performer }), order: { ...physical, walletPart: 81n }, placed: false },
    { name: "a wallet part above the total, unconfirmed", item: () => ({ seller: performer }), order: { quantity: 2, shippingAddress: ADDRESS, walletPart: 81n }, placed: false },
    { name: "from a wallet that cannot pay the store", item: () => ({ seller: performer }), order: { ...physical, walletTypeId: "earnings" }, placed: false },
    { name: "from no such wallet", item: () => ({ seller: performer }), order: { ...physical, walletTypeId: "no-such-wallet" }, placed: false },
    { name: "without credits enough", item: () => ({ seller: performer }), buyer: () => poorMember, order: physical, placed: false },
    {
      name: "when the store caps the wallet's share",
      item: () => ({ seller: performer }),
      order: physical,
      placed: false,
      before: () => setSetting(admin.id, "store", { maxWalletShareBps: 5_000, creditPriceMinor: 10n, currency: "usd" }),
      after: () => setSetting(admin.id, "store", { maxWalletShareBps: 10_000, creditPriceMinor: 10n, currency: "usd" }),
    },
  ];

  it.each(cases)("$name", async ({ item, buyer, order, placed, before, after }) => {
    await before?.();
    try {
      const who = buyer?.() ?? member;
      const oneStatement = await placeVia("one statement", who, item(), order);
      const transaction = await placeVia("transaction", who, item(), order);
      if (placed) {
        expect(oneStatement).toMatchObject({ path: "one statement" });
        expect(transaction).toMatchObject({ path: "transaction" });
        expect({ ...oneStatement, path: undefined }).toEqual({ ...transaction, path: undefined });
      } else {
        expect(oneStatement).toMatchObject({ refusal: { code: expect.any(String), message: expect.any(String) }, unchanged: true });
        expect(oneStatement).toEqual(transaction);
      }
    } finally {
      await after?.();
    }
  });

  it("refuses a buyer whose wallet a clawback left negative, as the transaction does", async () => {
    const clawedBack = await makeMember("clawed");
    await fundUser(pool, clawedBack.id, 1_000n);
    await post(pool, {
      kind: "PURCHASE_REFUND",
      idempotencyKey: `test-clawback:${randomUUID()}`,
      actorId: null,
      description: "Test clawback",
      legs: clawbackLegs(clawedBack.id, 1_030n),
      allowOverdraft: true,
    });
    const oneStatement = await placeVia("one statement", clawedBack, { seller: performer }, physical);
    const transaction = await placeVia("transaction", clawedBack, { seller: performer }, physical);
    expect(oneStatement).toMatchObject({ refusal: { code: "ACCOUNT_RESTRICTED" }, unchanged: true });
    expect(oneStatement).toEqual(transaction);
  });
});

describe("orders placed at once", () => {
  it("under one key post once: every request gets the first order, replayed but for one", async () => {
    const item = await newItem(performer, { stock: 10 });
    const before = (await walletBalances(pool, member.id)).available;
    const input = { itemId: item.id, quantity: 1, expectedTotal: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 8 }, () => callerAs(member).store.buy(input)));
    expect(new Set(results.map((result) => result.orderId)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(results.every((result) => result.status === "PAID")).toBe(true);
    expect((await walletBalances(pool, member.id)).available).toBe(before - 40n);
    const { rows } = await pool.query<{ stock: number }>("SELECT stock FROM store_items WHERE id = $1", [item.id]);
    expect(rows[0]?.stock).toBe(9);
    expect(await announcementsOf(results[0]!.orderId)).toHaveLength(1);
  });

  it("under one key with different details: one is placed, the others are refused as a conflict", async () => {
    const [first, second] = [await newItem(performer), await newItem(performer)];
    const key = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) =>
        callerAs(member).store.buy({ itemId: (index % 2 ? first : second).id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: key }),
      ),
    );
    const placed = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(new Set(placed.map((result) => result.value.orderId)).size).toBe(1);
    for (const result of refused) expect((result.reason as Error).message).toBe("This order was already placed with different details.");
    const { rows } = await pool.query("SELECT 1 FROM store_orders WHERE buyer_id = $1 AND idempotency_key = $2", [member.id, key]);
    expect(rows).toHaveLength(1);
  });

  it("for the last units under different keys: exactly as many as the stock are placed, the rest told it sold out", async () => {
    const item = await newItem(performer, { stock: 3 });
    const before = (await walletBalances(pool, member.id)).available;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => callerAs(member).store.buy({ itemId: item.id, quantity: 1, expectedTotal: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() })),
    );
    const placed = results.filter((result) => result.status === "fulfilled");
    expect(placed).toHaveLength(3);
    for (const result of results.filter((each) => each.status === "rejected")) {
      expect((result.reason as Error).message).toBe("Sold out: this item has no stock left.");
    }
    expect((await walletBalances(pool, member.id)).available).toBe(before - 120n);
    const { rows } = await pool.query<{ stock: number; orders: number }>(
      "SELECT stock, (SELECT count(*)::int FROM store_orders WHERE item_id = $1) AS orders FROM store_items WHERE id = $1",
      [item.id],
    );
    expect(rows[0]).toEqual({ stock: 0, orders: 3 });
  });
});

describe("what an order paid from the wallet announces", () => {
  /** The emails and realtime events the relay sent for one order, with its id taken out (a wallet's balances vary with the run). */
  async function deliveredFor(path: Path) {
    const item = await newItem(performer, { title: "Delivered poster" });
    sent.length = 0;
    trigger.mockClear();
    const input = { itemId: item.id, quantity: 1, expectedTotal: 40n, shippingAddress: ADDRESS, idempotencyKey: randomUUID() };
    const placed = path === "one statement" ? await placeOrder(member.id, input) : await placeOrderInTransaction(member.id, placeOrderSchema.parse(input));
    await deliverAllDue(pool);
    const events = trigger.mock.calls.map(([channels, event, data]) => ({ channels, event, data: event === "wallet.updated" ? "(balances)" : data }));
    return { orderId: placed.orderId, delivered: withoutId({ emails: sent, events }, placed.orderId) };
  }

  it("is delivered with the same keys and content as the transaction's messages", async () => {
    const oneStatement = await deliveredFor("one statement");
    const transaction = await deliveredFor("transaction");
    expect(oneStatement.delivered).toEqual(transaction.delivered);
    expect(oneStatement.delivered).toMatchObject({
      emails: expect.arrayContaining([expect.objectContaining({ to: member.email, subject: "Receipt: Delivered poster", messageId: expect.stringContaining("store-order=3a<id>=3apaid=3areceipt@") })]),
    });
    expect((oneStatement.delivered as { events: unknown[] }).events).toContainEqual({
      channels: [`private-user-${member.id}`, `private-user-${performer.id}`, "private-admins"],
      event: "order.updated",
      data: { id: "<id>", status: "PAID" },
    });
  });

  it("carries the status the payment gave, even when the order moved on before delivery", async () => {
    const item = await newItem(performer);
    const placed = await placeOrder(member.id, { itemId: item.id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
    await callerAs(performer).store.changeStatus({ orderId: placed.orderId, status: "SHIPPED" });
    await deliverAllDue(pool);
    const statuses = trigger.mock.calls.filter(([, event, data]) => event === "order.updated" && (data as { id: string }).id === placed.orderId).map(([, , data]) => (data as { status: string }).status);
    expect(statuses).toEqual(["PAID", "SHIPPED"]);
  });

  it("is announced from its own message, once: a relay that dies before its commit leaves it to the next claim", async () => {
    const item = await newItem(performer, { title: "Crash poster" });
    const publishNormally = await crashNextRelayPass(pool, trigger);
    try {
      const placed = await placeOrder(member.id, { itemId: item.id, quantity: 1, shippingAddress: ADDRESS, idempotencyKey: randomUUID() });
      const paidMessage = async () =>
        (await pool.query<{ delivered: boolean }>("SELECT delivered_at IS NOT NULL AS delivered FROM outbox_messages WHERE key = $1", [`store-order:${placed.orderId}:paid`])).rows;
      await expect(deliverDue(pool)).rejects.toThrow();
      expect(await paidMessage()).toEqual([{ delivered: false }]);

      await deliverAllDue(pool);
      expect(await paidMessage()).toEqual([{ delivered: true }]);
      expect(await announcementsOf(placed.orderId)).toHaveLength(1);
      // Emails go out beside the realtime calls, so the dying batch may have sent them already: sent again, they
      // carry the same Message-ID, which is how mail tells a repeat.
      for (const subject of ["Receipt: Crash poster", "New order: Crash poster"]) {
        const copies = sent.filter((email) => email.subject === subject);
        expect(copies.length).toBeGreaterThan(0);
        expect(new Set(copies.map((email) => email.messageId)).size).toBe(1);
      }
      // Published by the dying batch and again by the next claim, as any realtime event may be after a crash: the same event each time.
      const statusEvents = trigger.mock.calls.filter(([, event, data]) => event === "order.updated" && (data as { id: string }).id === placed.orderId);
      expect(statusEvents.length).toBeGreaterThan(0);
      expect(new Set(statusEvents.map((call) => JSON.stringify(call))).size).toBe(1);
    } finally {
      publishNormally();
    }
  });
});
