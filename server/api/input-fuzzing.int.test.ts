import fc from "fast-check";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { INTERNAL_ERROR_MESSAGE, INVALID_INPUT_MESSAGE } from "@/server/api/errors";
import type { SessionUser } from "@/server/auth/session-user";
import { DATE_OUT_OF_RANGE_MESSAGE, NUMBER_TOO_LARGE_MESSAGE } from "@/server/domain/storable";
import { findUnstorableText } from "@/server/domain/stored-text";
import { type FuzzContext, fuzzedInput } from "@/server/testing/hostile-inputs";
import { type RouterProcedure, listProcedures } from "@/server/testing/router-procedures";
import { startStripeWebhooksHarness } from "@/server/testing/stripe-webhooks-harness";

/**
 * Property-based inputs for every procedure of the app's router, sent over the real tRPC route (GET for queries,
 * POST for mutations, batched and superjson-encoded as the browser's client sends them) by an admin, a member
 * and a performer, whichever the procedure lets past its role check. Whatever arrives: never a 5xx; an input
 * its schema refuses (or text the database can't store) is a 400 with a clear message and field errors; and a
 * refused call writes no ledger row. Inputs: shaped like the schema with leaves swapped for hostile values,
 * wrong types for the whole input, well-formed inputs with awkward text and real ids, and malformed wire
 * payloads. FUZZ_SEED and FUZZ_RUNS change the seed and the number of generated inputs per procedure.
 */

vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(async () => ({})),
}));

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_511);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

// The environment first (Stripe calls reach the emulator, so a valid checkout is not a network failure), app after.
const stripeHarness = await startStripeWebhooksHarness({ apiKey: "sk_test_input_fuzzing", webhookSecret: "whsec_input_fuzzing" });
const { GET, POST } = await import("@/app/api/trpc/[trpc]/route");
const { appRouter } = await import("@/server/api/root");
const { closeDb, pool } = await import("@/server/db/client");
const { createPackage } = await import("@/server/services/purchases");
const { makeAdmin, makeMember, makePerformer } = await import("@/server/testing/users");
const { expectLedgerInvariantsHold, ledgerRowCounts } = await import("@/server/testing/api");
const { fundUser } = await import("@/server/testing/factories");
const { sessionCookie } = await import("@/server/testing/session-cookie");
const { NextRequest } = await import("next/server");

type Role = "admin" | "member" | "performer";
const ROLES: readonly Role[] = ["admin", "member", "performer"];

/** What one call sends: a value the client serialises, or a payload written by hand (what no client would send). */
type Sent = { value: unknown } | { wire: string };

interface Answer {
  status: number;
  message: string | undefined;
  fieldErrors: Record<string, string[]> | null | undefined;
  text: string;
}

const procedures = listProcedures(appRouter);
const users = {} as Record<Role, SessionUser>;
const cookies = {} as Record<Role, string>;
/** Per procedure, the roles its role check lets through (probed, so tiers are read from behaviour, not guessed). */
const passingRoles = new Map<string, Role[]>();
let context: FuzzContext;
const startedAt = performance.now();

interface Tally {
  inputs: number;
  schemaRefusals: number;
  accepted: number;
  /** 401s for a role that passed the probe: the caller lost its session mid-run, so its inputs proved nothing. */
  unexpectedUnauthorized: number;
}
const tallies = new Map<string, Tally>();

function wireOf(sent: Sent): string {
  return "wire" in sent ? sent.wire : JSON.stringify({ 0: superjson.serialize(sent.value) });
}

async function send(procedure: RouterProcedure, role: Role, sent: Sent): Promise<Answer> {
  const wire = wireOf(sent);
  const base = `http://127.0.0.1:3000/api/trpc/${procedure.path}?batch=1`;
  const headers = { cookie: cookies[role], "content-type": "application/json" };
  const response =
    procedure.type === "query"
      ? await GET(new NextRequest(`${base}&input=${encodeURIComponent(wire)}`, { headers }))
      : await POST(new NextRequest(base, { method: "POST", headers, body: wire }));
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const item = (Array.isArray(body) ? body[0] : body) as
    | { error?: { json?: { message?: string; data?: { fieldErrors?: Record<string, string[]> | null } } } }
    | undefined;
  return { status: response.status, message: item?.error?.json?.message, fieldErrors: item?.error?.json?.data?.fieldErrors, text };
}

/**
 * Why the edge must refuse this value with a 400 (its own message), or null when the schema accepts it; "unknown"
 * for a hand-written payload, which tRPC may refuse before any schema sees it.
 */
async function expectedRefusal(procedure: RouterProcedure, sent: Sent): Promise<string | null | "unknown"> {
  if ("wire" in sent) return "unknown";
  let value: unknown;
  try {
    // What the server will see: the wire form decoded, not the value before encoding.
    value = superjson.parse(JSON.stringify(superjson.serialize(sent.value)));
  } catch {
    return "unknown";
  }
  const unstorable = findUnstorableText(value);
  if (unstorable) return unstorable.message;
  const schema = procedure.inputs[0];
  if (!schema) return null;
  return (await schema.safeParseAsync(value)).success ? null : INVALID_INPUT_MESSAGE;
}

function describeSent(sent: Sent): string {
  const wire = wireOf(sent);
  return wire.length > 300 ? `${wire.slice(0, 300)}… (${wire.length} characters)` : wire;
}

/** Payloads no client would send: broken JSON, superjson metadata that lies about types, deep nesting, pollution. */
const RAW_WIRE_CASES: readonly string[] = [
  "not json",
  "",
  "{",
  "[]",
  "null",
  "1",
  '{"0":null}',
  '{"0":[]}',
  '{"0":"x"}',
  '{"1":{"json":{}}}',
  '{"0":{"json":"abc","meta":{"values":["bigint"]}}}',
  '{"0":{"json":{"amount":"1e3"},"meta":{"values":{"amount":["bigint"]}}}}',
  '{"0":{"json":"not a date","meta":{"values":["Date"]}}}',
  '{"0":{"json":"x","meta":{"values":["regexp"]}}}',
  '{"0":{"json":"x","meta":{"values":["set"]}}}',
  '{"0":{"json":"x","meta":{"values":["map"]}}}',
  '{"0":{"json":"x","meta":{"values":["symbol"]}}}',
  '{"0":{"json":"x","meta":{"values":["number"]}}}',
  '{"0":{"json":"x","meta":{"values":["error"]}}}',
  '{"0":{"json":"x","meta":{"values":["URL"]}}}',
  '{"0":{"json":1,"meta":{"values":[["class","Nope"]]}}}',
  '{"0":{"json":1,"meta":{"values":[["custom","Nope"]]}}}',
  '{"0":{"json":"x","meta":{"values":"nonsense"}}}',
  '{"0":{"json":"x","meta":[]}}',
  '{"0":{"json":{"__proto__":{"polluted":1}}}}',
  '{"0":{"json":{},"meta":{"values":{"__proto__.polluted":["undefined"]}}}}',
  '{"0":{"json":{"a":{}},"meta":{"referentialEqualities":{"a":["__proto__"]}}}}',
  '{"0":{"json":{"constructor":{"prototype":{"polluted":1}}}}}',
  `{"0":{"json":${"[".repeat(20_000)}${"]".repeat(20_000)}}}`,
  `{"0":{"json":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}}`,
];

/** Inputs that answered 500 before their fix, each run for its procedure ahead of the generated ones. */
interface Regression {
  path: string;
  as: Role;
  input: unknown;
  field: string;
  message: string;
}

/** Dates before year 1 (PostgreSQL timestamps start in 4713 BC, JavaScript dates 271,821 BC) and bigints past BIGINT. */
const BEFORE_POSTGRES_TIME = new Date("-004713-11-23T23:59:59.999Z");
const EARLIEST_JS_DATE = new Date(-8.64e15);

const REGRESSION_CASES: readonly Regression[] = [
  { path: "audit.list", as: "admin", input: { to: BEFORE_POSTGRES_TIME }, field: "to", message: DATE_OUT_OF_RANGE_MESSAGE },
  { path: "audit.list", as: "admin", input: { from: EARLIEST_JS_DATE }, field: "from", message: DATE_OUT_OF_RANGE_MESSAGE },
  {
    path: "commissions.set",
    as: "admin",
    input: { kind: "TIP", performerShareBps: 0, effectiveFrom: BEFORE_POSTGRES_TIME },
    field: "effectiveFrom",
    message: DATE_OUT_OF_RANGE_MESSAGE,
  },
  { path: "ledger.explore", as: "admin", input: { to: BEFORE_POSTGRES_TIME }, field: "to", message: DATE_OUT_OF_RANGE_MESSAGE },
  { path: "ledger.explore", as: "admin", input: { from: EARLIEST_JS_DATE }, field: "from", message: DATE_OUT_OF_RANGE_MESSAGE },
  { path: "wallet.history", as: "member", input: { from: BEFORE_POSTGRES_TIME }, field: "from", message: DATE_OUT_OF_RANGE_MESSAGE },
  { path: "wallet.history", as: "member", input: { to: EARLIEST_JS_DATE }, field: "to", message: DATE_OUT_OF_RANGE_MESSAGE },
  { path: "ledger.explore", as: "admin", input: { cursor: 2n ** 64n }, field: "cursor", message: NUMBER_TOO_LARGE_MESSAGE },
  { path: "wallet.history", as: "member", input: { cursor: 2n ** 63n }, field: "cursor", message: NUMBER_TOO_LARGE_MESSAGE },
  { path: "audit.list", as: "admin", input: { cursor: 2n ** 63n }, field: "cursor", message: NUMBER_TOO_LARGE_MESSAGE },
  { path: "outbox.retry", as: "admin", input: { id: 2n ** 63n }, field: "id", message: NUMBER_TOO_LARGE_MESSAGE },
];

const REGRESSIONS: Partial<Record<string, unknown[]>> = {};
for (const { path, input } of REGRESSION_CASES) (REGRESSIONS[path] ??= []).push(input);

beforeAll(async () => {
  users.admin = await makeAdmin();
  users.member = await makeMember("fuzz");
  users.performer = await makePerformer(users.admin, "Fuzz Performer");
  for (const role of ROLES) cookies[role] = await sessionCookie(users[role]);
  await fundUser(pool, users.member.id, 1_000_000n);

  // Real targets that are not the callers, so a valid-looking input gets past "not found" without suspending,
  // demoting or signing out a caller halfway through.
  const bystanderPerformer = await makePerformer(users.admin, "Bystander Performer");
  const bystanderMember = await makeMember("bystander");
  const creditPackage = await createPackage(users.admin.id, {
    name: "Fuzz pack",
    credits: 100n,
    bonusCredits: 0n,
    priceMinor: 500n,
    currency: "usd",
    active: true,
    sortOrder: 1,
  });
  context = {
    knownIds: [bystanderPerformer.id, bystanderMember.id, creditPackage.id],
    knownStrings: [bystanderPerformer.username, bystanderMember.username, bystanderMember.email],
  };

  for (const procedure of procedures) {
    const passing: Role[] = [];
    for (const role of ROLES) {
      const { status } = await send(procedure, role, { value: undefined });
      if (status !== 401 && status !== 403) passing.push(role);
    }
    passingRoles.set(procedure.path, passing);
  }
}, 120_000);

afterAll(async () => {
  const inputs = [...tallies.values()].reduce((sum, tally) => sum + tally.inputs, 0);
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.info(
    `input fuzzing: seed ${SEED}, ${procedures.length} procedures, ${RUNS} generated + ${RAW_WIRE_CASES.length} wire inputs each, ${inputs} calls in ${seconds} s`,
  );
  await stripeHarness.close();
  await closeDb();
});

describe("every procedure's input, fuzzed over HTTP", () => {
  it.each(procedures.map((procedure) => [procedure.path, procedure] as const))("%s", async (_path, procedure) => {
    const roles = passingRoles.get(procedure.path) ?? [];
    const callers: readonly Role[] = roles.length > 0 ? roles : ROLES;
    const tally: Tally = { inputs: 0, schemaRefusals: 0, accepted: 0, unexpectedUnauthorized: 0 };
    tallies.set(procedure.path, tally);

    const sent: fc.Arbitrary<Sent> = fuzzedInput(procedure.inputs[0], context).map((value) => ({ value }));
    await fc.assert(
      fc.asyncProperty(sent, fc.nat(), async (input, pick) => {
        const role = callers[pick % callers.length] as Role;
        const before = await ledgerRowCounts();
        const answer = await send(procedure, role, input);
        const after = await ledgerRowCounts();
        tally.inputs += 1;
        const what = `${procedure.path} as ${role} with ${describeSent(input)} answered ${answer.status} ${answer.text.slice(0, 300)}`;

        expect(answer.status, what).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(after, `a refused call wrote to the ledger: ${what}`).toEqual(before);
          expect(answer.message, what).toBeTruthy();
          expect(answer.message, what).not.toBe(INTERNAL_ERROR_MESSAGE);
        } else {
          tally.accepted += 1;
        }
        if (answer.status === 401 && roles.includes(role)) tally.unexpectedUnauthorized += 1;

        const refusal = await expectedRefusal(procedure, input);
        if (refusal !== null && refusal !== "unknown") {
          tally.schemaRefusals += 1;
          expect(answer.status, what).toBe(400);
          expect(answer.message, what).toBe(refusal);
          expect(Object.keys(answer.fieldErrors ?? {}).length, `no field errors: ${what}`).toBeGreaterThan(0);
        }
      }),
      {
        seed: SEED,
        // Examples count toward fast-check's runs: these are on top of them.
        numRuns: RUNS + RAW_WIRE_CASES.length + (REGRESSIONS[procedure.path]?.length ?? 0),
        examples: [
          ...(REGRESSIONS[procedure.path] ?? []).map((value): [Sent, number] => [{ value }, 0]),
          ...RAW_WIRE_CASES.map((wire, index): [Sent, number] => [{ wire }, index]),
        ],
      },
    );
  });
});

describe("inputs the fuzzing found answering 500", () => {
  it.each(REGRESSION_CASES)("$path with a bad $field is a 400 naming the field", async ({ path, as, input, field, message }) => {
    const procedure = procedures.find((candidate) => candidate.path === path);
    if (!procedure) throw new Error(`no procedure ${path}`);
    const before = await ledgerRowCounts();
    const answer = await send(procedure, as, { value: input });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.message).toBe(INVALID_INPUT_MESSAGE);
    expect(answer.fieldErrors).toEqual({ [field]: [message] });
    expect(await ledgerRowCounts()).toEqual(before);
  });
});

describe("after the fuzzing", () => {
  it("reached every procedure's schema with a caller its role check lets through, who stayed signed in", () => {
    const uncovered = procedures.filter((procedure) => {
      const tally = tallies.get(procedure.path);
      if (!tally || tally.inputs === 0 || tally.unexpectedUnauthorized > 0) return true;
      if (procedure.inputs.length === 0) return false;
      return (passingRoles.get(procedure.path) ?? []).length === 0 || tally.schemaRefusals === 0;
    });
    expect(uncovered.map((procedure) => procedure.path)).toEqual([]);
  });

  it("leaves every ledger invariant holding", async () => {
    await expectLedgerInvariantsHold();
  });
});
