import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "@/server/api/root";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { BROKEN_CHARACTER_MESSAGE, NUL_MESSAGE } from "@/server/domain/stored-text";
import { makeAdmin, makeMember, makePerformer, uniqueIdentity, TEST_PASSWORD } from "@/server/testing/users";
import { fundUser } from "@/server/testing/factories";

vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(async () => ({})),
}));

/**
 * Text PostgreSQL can't store, sent over real HTTP to the app's router in every kind of field that reaches a
 * query: each answer is a 400 naming the field, and nothing is written to the ledger.
 */

const NUL = "\u0000";
const HIGH_SURROGATE = "\uD83C";
const LOW_SURROGATE = "\uDFB8";

let admin: SessionUser;
let member: SessionUser;
let otherMember: SessionUser;
let performer: SessionUser;

interface ErrorBody {
  error?: { json: { message: string; data: { httpStatus: number; fieldErrors: Record<string, string[]> | null } } };
}

async function call(user: SessionUser | null, path: string, kind: "query" | "mutation", input: unknown) {
  const serialized = JSON.stringify(superjson.serialize(input));
  const url = `http://127.0.0.1/api/trpc/${path}${kind === "query" ? `?input=${encodeURIComponent(serialized)}` : ""}`;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url, {
      method: kind === "query" ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: kind === "mutation" ? serialized : undefined,
    }),
    router: appRouter,
    createContext: () => ({ user, ip: "127.0.0.1" }),
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

async function ledgerTransactionCount(): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(`SELECT count(*) FROM ledger_transactions`);
  return Number(rows[0]?.count);
}

type Caller = "visitor" | "member" | "performer" | "admin";

interface Case {
  name: string;
  as: Caller;
  path: string;
  kind: "query" | "mutation";
  input: () => unknown;
  field: string;
  message: string;
}

const key = () => randomUUID();

const CASES: Case[] = [
  { name: "a room looked up by a name with a NUL", as: "visitor", path: "rooms.get", kind: "query", input: () => ({ username: `lu${NUL}na` }), field: "username", message: NUL_MESSAGE },
  { name: "a performer looked up by a broken name", as: "visitor", path: "performers.byUsername", kind: "query", input: () => ({ username: `lu${HIGH_SURROGATE}` }), field: "username", message: BROKEN_CHARACTER_MESSAGE },
  { name: "fan-club plans of a name with a NUL", as: "visitor", path: "memberships.performerPlans", kind: "query", input: () => ({ username: NUL }), field: "username", message: NUL_MESSAGE },
  { name: "content of a name with a lone low surrogate", as: "visitor", path: "content.byPerformer", kind: "query", input: () => ({ username: LOW_SURROGATE }), field: "username", message: BROKEN_CHARACTER_MESSAGE },
  {
    name: "a sign-up whose display name has a NUL",
    as: "visitor",
    path: "auth.signUp",
    kind: "mutation",
    input: () => ({ ...uniqueIdentity("nul"), displayName: `Mia${NUL}`, password: TEST_PASSWORD }),
    field: "displayName",
    message: NUL_MESSAGE,
  },
  { name: "a tip message with a NUL", as: "member", path: "tips.send", kind: "mutation", input: () => ({ performerId: performer.id, amount: 5n, message: `hi${NUL}`, idempotencyKey: key() }), field: "message", message: NUL_MESSAGE },
  {
    name: "a tip message with half an emoji",
    as: "member",
    path: "tips.send",
    kind: "mutation",
    input: () => ({ performerId: performer.id, amount: 5n, message: `encore ${HIGH_SURROGATE}`, idempotencyKey: key() }),
    field: "message",
    message: BROKEN_CHARACTER_MESSAGE,
  },
  {
    name: "a transfer note with a NUL",
    as: "member",
    path: "transfers.send",
    kind: "mutation",
    input: () => ({ recipient: otherMember.username, amount: 5n, note: `rent${NUL}`, idempotencyKey: key() }),
    field: "note",
    message: NUL_MESSAGE,
  },
  { name: "a transfer preview to an email with a NUL", as: "member", path: "transfers.preview", kind: "mutation", input: () => ({ recipient: `a${NUL}@example.com`, amount: 5n }), field: "recipient", message: NUL_MESSAGE },
  { name: "a chat line with a NUL", as: "member", path: "rooms.sendMessage", kind: "mutation", input: () => ({ performerId: performer.id, body: `hello${NUL}` }), field: "body", message: NUL_MESSAGE },
  {
    name: "a shipping name with half an emoji",
    as: "member",
    path: "store.buy",
    kind: "mutation",
    input: () => ({
      itemId: randomUUID(),
      quantity: 1,
      shippingAddress: { name: `Mia ${HIGH_SURROGATE}`, line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" },
      idempotencyKey: key(),
    }),
    field: "name",
    message: BROKEN_CHARACTER_MESSAGE,
  },
  {
    name: "a performer profile with a NUL in the stage name",
    as: "performer",
    path: "performers.updateMyProfile",
    kind: "mutation",
    input: () => ({ stageName: `Luna${NUL}`, bio: "Late-night sets" }),
    field: "stageName",
    message: NUL_MESSAGE,
  },
  {
    name: "a fan-club plan named with a NUL",
    as: "performer",
    path: "memberships.createPlan",
    kind: "mutation",
    input: () => ({ name: `Inner${NUL}Circle`, price: 50n, periodDays: 30 }),
    field: "name",
    message: NUL_MESSAGE,
  },
  {
    name: "a content title with a lone low surrogate",
    as: "performer",
    path: "content.create",
    kind: "mutation",
    input: () => ({ kind: "TEXT", title: `Demo ${LOW_SURROGATE}`, body: "Words", price: 10n }),
    field: "title",
    message: BROKEN_CHARACTER_MESSAGE,
  },
  {
    name: "an adjustment reason with a NUL",
    as: "admin",
    path: "ledger.adjust",
    kind: "mutation",
    input: () => ({ userId: member.id, wallet: "credits", amount: "10", reason: `goodwill${NUL}`, idempotencyKey: key() }),
    field: "reason",
    message: NUL_MESSAGE,
  },
  { name: "a user search with a NUL", as: "admin", path: "ledger.users", kind: "query", input: () => ({ search: `mia${NUL}` }), field: "search", message: NUL_MESSAGE },
];

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember("text");
  otherMember = await makeMember("text-recipient");
  performer = await makePerformer(admin, "Text Performer");
  await fundUser(pool, member.id, 1_000n);
});

afterAll(async () => {
  await closeDb();
});

describe("text the database can't store", () => {
  it.each(CASES)("$name ($path) is a 400 naming the field, and posts nothing", async ({ as, path, kind, input, field, message }) => {
    const users: Record<Caller, SessionUser | null> = { visitor: null, member, performer, admin };
    const before = await ledgerTransactionCount();
    const { status, body } = await call(users[as], path, kind, input());
    expect(status).toBe(400);
    expect(body.error?.json.message).toBe(message);
    expect(body.error?.json.data.fieldErrors).toEqual({ [field]: [message] });
    expect(await ledgerTransactionCount()).toBe(before);
  });

  it("lets the same input through once the text is clean", async () => {
    const before = await ledgerTransactionCount();
    const { status, body } = await call(admin, "ledger.adjust", "mutation", {
      userId: member.id,
      wallet: "credits",
      amount: "10",
      reason: "goodwill \u{1F3B8}",
      idempotencyKey: key(),
    });
    expect(body.error?.json.message).toBeUndefined();
    expect(status).toBe(200);
    expect(await ledgerTransactionCount()).toBe(before + 1);
  });
});
