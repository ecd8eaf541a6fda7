import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { closeDb, pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import { roomChannel } from "@/server/domain/realtime-events";
import type { OutgoingEmail } from "@/server/integrations/email";
import { walletBalances } from "@/server/ledger/balances";
import { requestHash } from "@/server/ledger/request-hash";
import { deliverAllDue } from "@/server/outbox/relay";
import { callerAs, expectLedgerInvariantsHold, refusalCodeOf } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { countRoundTrips } from "@/server/testing/round-trips";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { suspendUser } from "../accounts";
import { setRoomOnline } from "../rooms";
import { paidRequestAnnouncements } from "./notices";
import { payFromWallet, payFromWalletInTransaction, payFromWalletSchema } from "./paying";

/**
 * A payment request paid from a wallet is one statement (walletPaymentSql in paying.ts); every other case, and
 * every refusal, goes through the transaction it replaced (payFromWalletInTransaction), which stays the reference.
 */

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

let admin: SessionUser;
let luna: SessionUser;
let member: SessionUser;
let poorMember: SessionUser;
let stranger: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  luna = await makePerformer(admin, "Luna Vale");
  member = await makeMember("fan");
  poorMember = await makeMember("poor");
  stranger = await makeMember("stranger");
  await callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_SERVICE", performerShareBps: 9000 });
  await callerAs(admin).commissions.set({ kind: "PAYMENT_REQUEST_GOODS", performerShareBps: 9600 });
  await setRoomOnline(luna, { online: true });
  await fundUser(pool, member.id, 1_000_000n);
  await fundUser(pool, poorMember.id, 10n);
  present.set(roomChannel(luna.id), new Set([member.id, poorMember.id]));
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

function send(to: SessionUser, type: "SERVICE" | "GOODS" = "SERVICE", from = luna) {
  return callerAs(from).paymentRequests.send({ memberId: to.id, type, description: `A custom song ${type}`, amount: 100n, idempotencyKey: randomUUID() });
}

/** The request's rows as the two paths must agree on them, with what differs by nature (ids, times) taken out. */
async function requestRows(requestId: string, via: string) {
  const request = (
    await pool.query<{ sale_transaction_id: string } & Record<string, unknown>>(
      `SELECT performer_id, member_id, type, description, amount::text, status, paid_wallet_type_id, sale_transaction_id,
              card_amount_minor, currency, stripe_payment_intent_id, closed_at IS NOT NULL AS closed
         FROM payment_requests WHERE id = $1`,
      [requestId],
    )
  ).rows[0];
  if (!request) throw new Error(`no request ${requestId}`);
  const saleId = request.sale_transaction_id;
  const [transaction, entries, lots] = await Promise.all([
    pool.query("SELECT kind, actor_id, idempotency_key, description, metadata, request_hash FROM ledger_transactions WHERE id = $1", [saleId]),
    pool.query("SELECT a.code, e.amount::text FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY a.code", [saleId]),
    pool.query("SELECT performer_id, amount::text, remaining::text, matures_at - created_at AS hold FROM earnings_lots WHERE transaction_id = $1", [saleId]),
  ]);
  const hashed = requestHash({ paymentRequestId: requestId, via });
  return {
    request: { ...request, sale_transaction_id: saleId ? "sale" : null },
    transaction: transaction.rows.map((row: { request_hash: string }) => ({ ...row, request_hash: row.request_hash === hashed ? "the request's" : row.request_hash })),
    entries: entries.rows,
    lots: lots.rows,
  };
}

async function counts() {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*)::int FROM ledger_transactions) AS transactions, (SELECT count(*)::int FROM outbox_messages) AS messages,
            (SELECT count(*)::int FROM payment_requests WHERE status = 'PAID') AS paid`,
  );
  return rows[0] as Record<string, number>;
}

const withoutId = (value: unknown, id: string) =>
  JSON.parse(JSON.stringify(value, (_, each: unknown) => (typeof each === "bigint" ? `${each}n` : each)).replaceAll(id, "<id>")) as unknown;

type Path = "one statement" | "transaction";

/** One payment by one path, of a request `arrange` sends: its refusal, or its view, rows and announcements. */
async function payVia(path: Path, payer: SessionUser, arrange: () => Promise<{ id: string }>, walletTypeId?: string) {
  const request = await arrange();
  const input = { requestId: request.id, walletTypeId };
  const before = await counts();
  try {
    const view = path === "one statement" ? await payFromWallet(payer.id, input) : await payFromWalletInTransaction(payer.id, payFromWalletSchema.parse(input));
    const { rows: messages } = await pool.query<{ key: string; kind: string; payload: unknown }>(
      "SELECT key, kind, payload FROM outbox_messages WHERE key LIKE $1 ORDER BY id",
      [`payment-request:${request.id}:paid%`],
    );
    const oneRow = messages.length === 1 && messages[0]?.kind === "payment-request-paid";
    const announced = oneRow ? (await paidRequestAnnouncements(pool, request.id) ?? []).map(({ key, kind, ...rest }) => ({ key, kind, payload: rest })) : messages;
    return {
      path: oneRow ? "one statement" : "transaction",
      view: withoutId({ ...view, createdAt: undefined, expiresAt: undefined, closedAt: undefined }, request.id),
      rows: withoutId(await requestRows(request.id, `wallet:${walletTypeId ?? "credits"}`), request.id),
      announced: withoutId(announced, request.id),
    };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { refusal: { code: error.code, message: error.message, details: error.details }, unchanged: JSON.stringify(await counts()) === JSON.stringify(before) };
  }
}

describe("a payment request paid from the wallet", () => {
  it("is one round trip to the database from a session's cookie, the session's check included", async () => {
    const request = await send(member);
    const cookieRequest = await routeRequestAs(member, "http://127.0.0.1:3000/api/trpc/paymentRequests.payFromWallet");
    const caller = appRouter.createCaller(await createTRPCContext({ headers: cookieRequest.headers, cookies: cookieRequest.cookies }));
    const before = (await walletBalances(pool, member.id)).available;
    const { result, roundTrips } = await countRoundTrips(() => caller.paymentRequests.payFromWallet({ requestId: request.id }));
    expect(result).toMatchObject({ id: request.id, status: "PAID", paidFromWallet: "Credits" });
    expect(roundTrips).toBe(1);
    expect((await walletBalances(pool, member.id)).available).toBe(before - 100n);
  });

  it("from a session that no longer counts is refused as signed out, with nothing posted", async () => {
    const request = await send(member);
    const before = await counts();
    expect(await refusalCodeOf(() => callerAs({ ...member, sessionVersion: member.sessionVersion + 1 }).paymentRequests.payFromWallet({ requestId: request.id }))).toBe("UNAUTHORIZED");
    expect(await counts()).toEqual(before);
  });
});

describe("the one statement pays and refuses exactly as the transaction", () => {
  const expire = async (request: { id: string }) => {
    await pool.query("UPDATE payment_requests SET expires_at = now() - interval '1 second' WHERE id = $1", [request.id]);
    return request;
  };
  const cases: Array<{ name: string; arrange: () => Promise<{ id: string }>; payer?: () => SessionUser; walletTypeId?: string; paid: boolean }> = [
    { name: "a service request", arrange: () => send(member, "SERVICE"), paid: true },
    { name: "a goods request", arrange: () => send(member, "GOODS"), paid: true },
    { name: "from Credits named", arrange: () => send(member), walletTypeId: "credits", paid: true },
    { name: "a request already paid", arrange: async () => { const request = await send(member); await payFromWallet(member.id, { requestId: request.id }); return request; }, paid: false },
    { name: "a declined request", arrange: async () => { const request = await send(member); await callerAs(member).paymentRequests.decline({ requestId: request.id }); return request; }, paid: false },
    { name: "a request past its expiry", arrange: async () => expire(await send(member)), paid: false },
    { name: "someone else's request", arrange: () => send(member), payer: () => stranger, paid: false },
    { name: "a request that does not exist", arrange: async () => ({ id: randomUUID() }), paid: false },
    { name: "from a wallet that cannot pay requests", arrange: () => send(member), walletTypeId: "earnings", paid: false },
    { name: "from no such wallet", arrange: () => send(member), walletTypeId: "no-such-wallet", paid: false },
    { name: "without credits enough", arrange: () => send(poorMember), payer: () => poorMember, paid: false },
  ];

  it.each(cases)("$name", async ({ arrange, payer, walletTypeId, paid }) => {
    const who = payer?.() ?? member;
    const oneStatement = await payVia("one statement", who, arrange, walletTypeId);
    const transaction = await payVia("transaction", who, arrange, walletTypeId);
    if (paid) {
      expect(oneStatement).toMatchObject({ path: "one statement" });
      expect(transaction).toMatchObject({ path: "transaction" });
      expect({ ...oneStatement, path: undefined }).toEqual({ ...transaction, path: undefined });
    } else {
      expect(oneStatement).toMatchObject({ refusal: { code: expect.any(String), message: expect.any(String) }, unchanged: true });
      expect(oneStatement).toEqual(transaction);
    }
  });

  it("refuses a request from a performer suspended since, as the transaction does", async () => {
    const rex = await makePerformer(admin, "Rex Oven");
    await setRoomOnline(rex, { online: true });
    present.set(roomChannel(rex.id), new Set([member.id]));
    const [first, second] = [await send(member, "SERVICE", rex), await send(member, "SERVICE", rex)];
    await suspendUser(admin, { userId: rex.id, reason: "Test" });
    const oneStatement = await payVia("one statement", member, async () => first);
    const transaction = await payVia("transaction", member, async () => second);
    expect(oneStatement).toMatchObject({ refusal: { code: "PRECONDITION_FAILED" }, unchanged: true });
    expect(oneStatement).toEqual(transaction);
  });
});

describe("payments at once", () => {
  it("of one request post once: one is paid, the others are told it is already paid", async () => {
    const request = await send(member);
    const before = (await walletBalances(pool, member.id)).available;
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, index) => callerAs(member).paymentRequests.payFromWallet({ requestId: request.id, walletTypeId: index % 2 ? "credits" : undefined })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results.filter((each) => each.status === "rejected")) expect((result.reason as Error).message).toBe("This request is already paid.");
    expect((await walletBalances(pool, member.id)).available).toBe(before - 100n);
    const { rows } = await pool.query("SELECT 1 FROM ledger_transactions WHERE idempotency_key = $1", [`payment-request:${request.id}:sale`]);
    expect(rows).toHaveLength(1);
  });
});

describe("what a payment from the wallet announces", () => {
  async function deliveredFor(path: Path) {
    const request = await send(member);
    sent.length = 0;
    trigger.mockClear();
    if (path === "one statement") await payFromWallet(member.id, { requestId: request.id });
    else await payFromWalletInTransaction(member.id, payFromWalletSchema.parse({ requestId: request.id }));
    await deliverAllDue(pool);
    const events = trigger.mock.calls.map(([channels, event, data]) => ({ channels, event, data: event === "wallet.updated" ? "(balances)" : data }));
    return withoutId({ emails: sent, events }, request.id);
  }

  it("is delivered with the same keys and content as the transaction's messages", async () => {
    const oneStatement = await deliveredFor("one statement");
    expect(oneStatement).toEqual(await deliveredFor("transaction"));
    expect(oneStatement).toMatchObject({
      emails: [
        expect.objectContaining({ to: member.email, messageId: expect.stringContaining("payment-request=3a<id>=3apaid=3areceipt=3amember@") }),
        expect.objectContaining({ to: luna.email }),
      ],
    });
  });
});
