import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import {
  AUTHORIZATION_MATRIX,
  CALLERS,
  HIDDEN_OBJECT_CASES,
  MATRIX_PDF,
  ROUTE_MATRIX,
  type RouteCase,
  type RouteRequest,
  type CallerKind,
  type MatrixEntry,
  type MatrixFixtures,
  type MatrixUsers,
  type Owner,
} from "@/server/api/authorization-matrix";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { env } from "@/server/env";
import { SALE_KINDS, setCommissionRate } from "@/server/services/sales";
import { addContentFile, createContentItem, unlockContent } from "@/server/services/content";
import { TEST_IMAGE, insertMembership, makePublishedItem } from "@/server/testing/content";
import { createPlan } from "@/server/services/memberships";
import { configurePayouts, readyToWithdraw } from "@/server/testing/payouts";
import { setRoomOnline, updateRoomSettings } from "@/server/services/rooms";
import { attachItemFile, itemOwnerFor } from "@/server/services/store";
import { applyAsPerformer, suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, ledgerTransactionCount } from "@/server/testing/api";
import { fundUser, insertPaidPurchase } from "@/server/testing/factories";
import { callProcedure, listProcedures } from "@/server/testing/router-procedures";
import { sessionCookie } from "@/server/testing/session-cookie";

vi.hoisted(() => {
  process.env.STORAGE_DIR = `.tmp/test-uploads-authz-matrix-${process.pid}-${Date.now()}`;
});
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => undefined) }));

/**
 * The authorization matrix: every procedure of appRouter, called as each kind of caller through the session
 * cookie the browser would send (so a suspended user's old cookie is checked against the database as in
 * production), and for procedures that name an owned object, as another user of the owner's role.
 */

const procedures = listProcedures(appRouter);
const fixtures = {} as MatrixFixtures;

/** "Another user of the same role" for the ownership cases. */
type Caller = CallerKind | "otherMember" | "otherPerformer";

function userOf(caller: Caller): SessionUser | null {
  return caller === "signedOut" ? null : fixtures.users[caller];
}

/** The request `caller`'s browser sends: their session cookie, if they have one. */
async function requestAs(caller: Caller, { path: urlPath, body, headers }: RouteRequest, method: "GET" | "POST"): Promise<NextRequest> {
  const user = userOf(caller);
  const requestHeaders = new Headers(headers);
  if (user) requestHeaders.set("cookie", await sessionCookie(user));
  return new NextRequest(`http://127.0.0.1:3000${urlPath}`, { method, headers: requestHeaders, body });
}

async function callAs(caller: Caller, procedurePath: string, input: unknown): Promise<unknown> {
  const request = await requestAs(caller, { path: "/api/trpc" }, "POST");
  const ctx = await createTRPCContext({ headers: request.headers, cookies: request.cookies });
  return callProcedure(appRouter.createCaller(ctx), procedurePath, input);
}

interface Outcome {
  /** OK, the tRPC code, or INVALID_INPUT when the input failed its schema (a broken entry, not a refusal). */
  code: string;
  result?: unknown;
  message?: string;
}

async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { code: "OK", result: await call() };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.cause instanceof ZodError ? "INVALID_INPUT" : error.code, message: error.message };
  }
}

/** What an allowed caller must not get; NOT_FOUND too when the input names the caller's own object. */
const refusalsOf = (owned: boolean) => ["UNAUTHORIZED", "FORBIDDEN", "INVALID_INPUT", ...(owned ? ["NOT_FOUND"] : [])];

interface Case {
  procedure: string;
  caller: Caller;
  allowed: boolean;
  /** Another user of the owner's role, calling with the owner's object. */
  foreign: boolean;
}

const ownersOf = (entry: MatrixEntry): readonly Owner[] => (entry.owner === undefined ? [] : typeof entry.owner === "string" ? [entry.owner] : entry.owner);

/** Per procedure: refused callers first, then the allowed ones, so a mutation that succeeds can't hide a refusal. */
function casesFor(procedure: string): Case[] {
  const entry = AUTHORIZATION_MATRIX[procedure];
  if (!entry) return [];
  const refused: Case[] = CALLERS.filter((caller) => !entry.allow.includes(caller)).map((caller) => ({
    procedure,
    caller,
    allowed: false,
    foreign: false,
  }));
  for (const owner of ownersOf(entry)) refused.push({ procedure, caller: owner === "member" ? "otherMember" : "otherPerformer", allowed: false, foreign: true });
  const allowed: Case[] = entry.allow.map((caller) => ({ procedure, caller, allowed: true, foreign: false }));
  return [...refused, ...allowed];
}

const cases = procedures.flatMap(({ path: procedure }) => casesFor(procedure));

async function makeUsers(): Promise<MatrixUsers> {
  const admin = await makeAdmin();
  const applicant = await makeMember("applicant");
  await applyAsPerformer(applicant, { stageName: "Matrix Applicant", bio: "" });
  const candidate = await makeMember("candidate");
  await applyAsPerformer(candidate, { stageName: "Matrix Candidate", bio: "" });
  const suspended = await makePerformer(admin, "Matrix Suspended");
  await suspendUser(admin, { userId: suspended.id, reason: "Matrix check" });
  return {
    admin,
    applicant,
    candidate,
    suspended,
    member: await makeMember("member"),
    otherMember: await makeMember("other-member"),
    performer: await makePerformer(admin, "Matrix Performer"),
    otherPerformer: await makePerformer(admin, "Matrix Other"),
    bystander: await makeMember("bystander"),
  };
}

beforeAll(async () => {
  const users = await makeUsers();
  const { admin, member, performer, otherPerformer } = users;
  await fundUser(pool, member.id, 10_000n);
  await configurePayouts(admin);
  for (const kind of SALE_KINDS) await setCommissionRate(admin.id, { kind, performerShareBps: 7_500 });

  const item = await makePublishedItem(performer, { price: 25n });
  const deletable = await createContentItem(performer.id, { kind: "POST", title: "Deletable", price: 10n });
  const withFile = await createContentItem(performer.id, { kind: "PICTURES", title: "With a file", price: 10n });
  const file = await addContentFile(performer.id, { itemId: withFile.id, role: "TEASER", fileName: "t.jpg", declaredType: "image/jpeg", data: TEST_IMAGE });

  const fanClub = await createPlan({ kind: "performer", performerId: performer.id }, { name: "Matrix club", price: 50n, periodDays: 30 });
  const sitePlan = await createPlan({ kind: "site", adminId: admin.id }, { name: "Matrix site plan", price: 50n, periodDays: 30 });
  await insertMembership(pool, fanClub.id, member.id);
  const { rows: memberships } = await pool.query<{ id: string }>("SELECT id FROM memberships WHERE member_id = $1", [member.id]);

  const siteItem = await callerAs(admin).store.saveSiteItem({ kind: "PHYSICAL", title: "Site matrix item", description: "", price: 20n, stock: 100, active: true });
  const physical = await callerAs(performer).store.saveMyItem({ kind: "PHYSICAL", title: "Matrix poster", description: "", price: 20n, stock: 10, active: true });
  const order = await callerAs(member).store.buy({
    itemId: physical.id,
    quantity: 1,
    shippingAddress: { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" },
    idempotencyKey: randomUUID(),
  });

  const { rows: packages } = await pool.query<{ id: string }>(
    `INSERT INTO credit_packages (id, name, credits, price_minor, currency, active, updated_at)
     VALUES (gen_random_uuid(), 'Matrix pack', 100, 100, 'usd', true, now()) RETURNING id`,
  );

  await readyToWithdraw(performer);
  await fundUser(pool, performer.id, 1_000n, "earnings");
  const withdrawal = await callerAs(performer).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() });

  await setRoomOnline(performer, { online: true });
  await updateRoomSettings(performer, { privatePricePerMinute: 10n });
  await setRoomOnline(otherPerformer, { online: true });
  await updateRoomSettings(otherPerformer, { privatePricePerMinute: 10n });
  const show = await callerAs(member).shows.requestPrivate({ performerId: performer.id, idempotencyKey: randomUUID() });

  await unlockContent(member.id, { itemId: item.id, idempotencyKey: randomUUID() });
  const digital = await callerAs(performer).store.saveMyItem({ kind: "DIGITAL", title: "Matrix setlist", description: "", price: 20n, stock: null, active: true });
  await attachItemFile(itemOwnerFor(performer), digital.id, { bytes: MATRIX_PDF, fileName: "setlist.pdf", declaredType: "application/pdf" });
  const inactive = await callerAs(performer).store.saveMyItem({ kind: "PHYSICAL", title: "Matrix retired", description: "", price: 20n, stock: 1, active: false });
  const digitalOrder = await callerAs(member).store.buy({ itemId: digital.id, quantity: 1, idempotencyKey: randomUUID() });
  // Stored as the performer's send stores it (who is in a room is the realtime server's, not here), then paid.
  const { rows: requests } = await pool.query<{ id: string }>(
    `INSERT INTO payment_requests (id, performer_id, member_id, type, description, amount, idempotency_key, expires_at)
     VALUES (gen_random_uuid(), $1, $2, 'SERVICE', 'Matrix service', 10, gen_random_uuid()::text, now() + interval '1 hour') RETURNING id`,
    [performer.id, member.id],
  );
  const paymentRequestId = requests[0]?.id as string;
  await fundUser(pool, member.id, 10n);
  await callerAs(member).paymentRequests.payFromWallet({ requestId: paymentRequestId });

  Object.assign(fixtures, {
    users,
    contentItemId: item.id,
    contentFileId: item.protectedFileId as string,
    deletableItemId: deletable.id,
    deletableFileId: file.id,
    draftItemId: withFile.id,
    planId: fanClub.id,
    sitePlanId: sitePlan.id,
    membershipId: memberships[0]?.id as string,
    storeItemId: physical.id,
    siteStoreItemId: siteItem.id,
    orderId: order.orderId,
    purchaseId: await insertPaidPurchase(pool, member.id, 100n),
    packageId: packages[0]?.id as string,
    withdrawalId: withdrawal.withdrawal.id,
    showId: show.showId,
    digitalItemId: digital.id,
    digitalOrderId: digitalOrder.orderId,
    inactiveStoreItemId: inactive.id,
    paymentRequestId,
  } satisfies MatrixFixtures);
});

afterAll(async () => {
  await closeDb();
  await rm(path.resolve(env.STORAGE_DIR), { recursive: true, force: true });
});

describe("the matrix covers the router", () => {
  it("has an entry for every procedure", () => {
    expect(procedures.map(({ path: procedure }) => procedure).filter((procedure) => !AUTHORIZATION_MATRIX[procedure])).toEqual([]);
  });

  it("has no entry for a procedure that is gone", () => {
    const existing = new Set(procedures.map(({ path: procedure }) => procedure));
    expect(Object.keys(AUTHORIZATION_MATRIX).filter((procedure) => !existing.has(procedure))).toEqual([]);
  });
});

describe("procedures", () => {
  it.each(cases)("$procedure as $caller (allowed: $allowed)", async ({ procedure, caller, allowed, foreign }) => {
    const entry = AUTHORIZATION_MATRIX[procedure];
    const input = entry?.input?.(fixtures);
    const ledgerBefore = await ledgerTransactionCount();
    const { code, result, message } = await outcomeOf(() => callAs(caller, procedure, input));
    const said = `${code}${message ? `: ${message}` : ""}`;
    if (allowed) {
      expect(refusalsOf(entry?.owner !== undefined), said).not.toContain(code);
      return;
    }
    const strangerRefusal = entry?.publicId ? "FORBIDDEN" : "NOT_FOUND";
    if (caller === "signedOut" || caller === "suspended") expect(code, said).toBe("UNAUTHORIZED");
    else if (entry && "othersGet" in entry && code === "OK") expect(result).toEqual(entry.othersGet);
    else if (foreign) expect(code, said).toBe(strangerRefusal);
    // A caller of the wrong role is refused for their role, or as a stranger to the object once past that check.
    else expect(entry?.owner ? ["FORBIDDEN", strangerRefusal] : ["FORBIDDEN"], said).toContain(code);
    expect(await ledgerTransactionCount()).toBe(ledgerBefore);
  });
});

const hiddenCases = HIDDEN_OBJECT_CASES.flatMap((hidden) =>
  [...CALLERS, "otherPerformer" as const].map((caller) => ({ ...hidden, caller, sees: (hidden.seenBy as readonly Caller[]).includes(caller) })),
);

describe("objects not everyone may see", () => {
  it.each(hiddenCases)("$procedure, $name, as $caller (sees it: $sees)", async ({ procedure, input, caller, sees }) => {
    const { code, message } = await outcomeOf(() => callAs(caller, procedure, input(fixtures)));
    expect(code, message).toBe(sees ? "OK" : "NOT_FOUND");
  });
});

/** Every route handler file under app/api, as a path from the repository root. */
function routeFiles(): string[] {
  return readdirSync(path.join(process.cwd(), "app", "api"), { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "route.ts")
    .map((file) => path.posix.join("app/api", file.split(path.sep).join("/")))
    .sort();
}

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

interface RouteCall {
  file: string;
  route: RouteCase;
  caller: Caller;
  allowed: boolean;
  foreign: boolean;
}

const routeCases: RouteCall[] = routeFiles().flatMap((file) =>
  (ROUTE_MATRIX[file]?.({ image: TEST_IMAGE }) ?? []).flatMap((route) => {
    if (route.notCalled) return [];
    const refused = CALLERS.filter((caller) => !route.allow.includes(caller)).map((caller) => ({ file, route, caller, allowed: false, foreign: false }));
    const strangers = route.owner ? [{ file, route, caller: (route.owner === "member" ? "otherMember" : "otherPerformer") as Caller, allowed: false, foreign: true }] : [];
    const allowed = route.allow.map((caller) => ({ file, route, caller, allowed: true, foreign: false }));
    return [...refused, ...strangers, ...allowed];
  }),
);

describe("the matrix covers the route handlers", () => {
  it("has an entry for every route file under app/api", () => {
    expect(routeFiles().filter((file) => !ROUTE_MATRIX[file])).toEqual([]);
  });

  it("has no entry for a route file that is gone", () => {
    const existing = new Set(routeFiles());
    expect(Object.keys(ROUTE_MATRIX).filter((file) => !existing.has(file))).toEqual([]);
  });
});

const uncalled = routeFiles().flatMap((file) => (ROUTE_MATRIX[file]?.({ image: TEST_IMAGE }) ?? []).filter((route) => route.notCalled).map((route) => ({ file, route })));

describe("route handlers", () => {
  it.each(uncalled)("$file exports its $route.method handler (public: $route.publicBecause)", async ({ file, route }) => {
    const handlers = (await import(path.join(process.cwd(), file))) as Record<string, unknown>;
    expect(typeof handlers[route.method]).toBe("function");
  });

  it.each(routeCases)("$route.method $file ($route.name) as $caller (allowed: $allowed)", async ({ file, route, caller, allowed, foreign }) => {
    const handlers = (await import(path.join(process.cwd(), file))) as Partial<Record<"GET" | "POST", Handler>>;
    const handler = handlers[route.method];
    if (!handler) throw new Error(`${file} exports no ${route.method}.`);
    const spec = route.request(fixtures);
    const ledgerBefore = await ledgerTransactionCount();
    const response = await handler(await requestAs(caller, spec, route.method), { params: Promise.resolve(spec.params ?? {}) });
    const said = `${response.status}: ${await response.clone().text().then((text) => text.slice(0, 200))}`;
    if (route.everyoneGets !== undefined) {
      expect(response.status, said).toBe(route.everyoneGets);
    } else if (allowed) {
      expect([401, 403, ...(route.owner ? [404] : [])], said).not.toContain(response.status);
      return;
    } else if (caller === "signedOut" || caller === "suspended") {
      expect(response.status, said).toBe(route.refusals?.signedOut ?? 401);
    } else {
      const stranger = route.refusals?.stranger ?? 404;
      if (foreign) expect(response.status, said).toBe(stranger);
      else expect(route.owner ? [403, stranger] : [403], said).toContain(response.status);
    }
    expect(await ledgerTransactionCount()).toBe(ledgerBefore);
  });
});
