import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/admin/audit/export/route";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { adjustmentLegs } from "@/server/domain/ledger";
import { post } from "@/server/ledger/post";
import { callerAs, expectLedgerInvariantsHold, trpcCodeOf } from "@/server/testing/api";
import { parseCsv } from "@/server/testing/csv";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(async () => ({})),
}));

let admin: SessionUser;
let otherAdmin: SessionUser;
let member: SessionUser;
let bystander: SessionUser;
let performer: SessionUser;
let adjustmentId: bigint;

async function download(user: SessionUser | null, query: string): Promise<Response> {
  return GET(await routeRequestAs(user, `http://127.0.0.1:3000/api/admin/audit/export?${query}`));
}

beforeAll(async () => {
  admin = await makeAdmin();
  otherAdmin = await makeAdmin();
  member = await makeMember("audited");
  bystander = await makeMember("bystander");
  performer = await makePerformer(admin, "Audited Star");
  const adjust = (reason: string, amount: bigint) =>
    callerAs(admin).ledger.adjust({ userId: member.id, wallet: "credits", amount: amount.toString(), reason, idempotencyKey: randomUUID() });
  await adjust("Welcome bonus", 40n);
  adjustmentId = (await adjust('=HYPERLINK("http://evil.test"), goodwill', 25n)).transactionId;
  await suspendUser(otherAdmin, { userId: member.id, reason: "Chargeback pattern" });
});

afterAll(async () => {
  await expectLedgerInvariantsHold();
  await closeDb();
});

describe("who may read the audit log", () => {
  it.each([
    ["signed out", (): SessionUser | null => null, "UNAUTHORIZED", 401],
    ["a member", (): SessionUser | null => bystander, "FORBIDDEN", 403],
    ["a performer", (): SessionUser | null => performer, "FORBIDDEN", 403],
  ] as const)("%s is refused by the viewer and the export", async (_who, user, code, status) => {
    expect(await trpcCodeOf(() => callerAs(user()).audit.list({}))).toBe(code);
    expect(await trpcCodeOf(() => callerAs(user()).audit.actions())).toBe(code);
    const response = await download(user(), `targetUserId=${member.id}`);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain("Welcome bonus");
  });
});

describe("bad filters", () => {
  it.each([
    ["from=yesterday", "Enter a valid start date."],
    ["to=2026-13-45T00:00:00Z", "Enter a valid end date."],
    ["from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "The end date is before the start date."],
    ["actorId=bob", "Pick the actor from the list, or paste a user id."],
    ["action=DROP%20TABLE", "That is not an audit action."],
  ])("the export answers %s with 400 and says why", async (query, message) => {
    const response = await download(admin, query);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: message });
  });

  it("the viewer refuses them as bad input, not a fault", async () => {
    expect(await trpcCodeOf(() => callerAs(admin).audit.list({ from: new Date("nope") }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(() => callerAs(admin).audit.list({ from: new Date("2026-03-02"), to: new Date("2026-03-01") }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(() => callerAs(admin).audit.list({ targetUserId: "not-a-user" }))).toBe("BAD_REQUEST");
  });
});

describe("the viewer", () => {
  it("lists a user's entries newest first, naming actor and target, with readable details", async () => {
    const { entries } = await callerAs(admin).audit.list({ targetUserId: member.id });
    expect(entries.map((entry) => entry.action)).toEqual(["user.suspended", "ledger.adjust", "ledger.adjust"]);
    const [suspension, adjustment] = entries;
    expect(suspension?.actor).toEqual({ id: otherAdmin.id, displayName: otherAdmin.displayName, email: otherAdmin.email });
    expect(suspension?.actionLabel).toBe("User suspended");
    expect(adjustment?.actor?.email).toBe(admin.email);
    expect(adjustment?.target).toEqual({
      type: "user",
      typeLabel: "User",
      id: member.id,
      user: { id: member.id, displayName: member.displayName, email: member.email },
    });
    expect(adjustment?.details.map(({ label, value }) => [label, value])).toEqual([
      ["Amount", "25"],
      ["Reason", '=HYPERLINK("http://evil.test"), goodwill'],
      ["Wallet", "credits"],
      ["Currency", "CRD"],
      ["Transaction ID", adjustmentId.toString()],
    ]);
  });

  it("filters by actor, action and time, and pages by cursor", async () => {
    const byOther = await callerAs(admin).audit.list({ actorId: otherAdmin.id });
    expect(byOther.entries.map((entry) => entry.action)).toEqual(["user.suspended"]);

    const adjustments = await callerAs(admin).audit.list({ action: "ledger.adjust", actorId: admin.id, limit: 1 });
    expect(adjustments.entries).toHaveLength(1);
    expect(adjustments.entries[0]?.details.find((line) => line.label === "Reason")?.value).toContain("goodwill");
    const next = await callerAs(admin).audit.list({ action: "ledger.adjust", actorId: admin.id, limit: 1, cursor: adjustments.nextCursor ?? undefined });
    expect(next.entries[0]?.details.find((line) => line.label === "Reason")?.value).toBe("Welcome bonus");
    expect(next.nextCursor).toBeNull();

    const { rows } = await pool.query<{ created_at: Date }>("SELECT created_at FROM audit_log WHERE action = 'user.suspended' AND target_id = $1", [member.id]);
    const at = rows[0]?.created_at ?? new Date();
    const within = await callerAs(admin).audit.list({ targetUserId: member.id, from: at, to: new Date(at.getTime() + 1) });
    expect(within.entries.map((entry) => entry.action)).toEqual(["user.suspended"]);
    const before = await callerAs(admin).audit.list({ targetUserId: member.id, to: at });
    expect(before.entries.map((entry) => entry.action)).not.toContain("user.suspended");
  });

  it("offers every recorded action, labelled", async () => {
    const actions = await callerAs(admin).audit.actions();
    expect(actions).toContainEqual({ action: "ledger.adjust", label: "Balance adjusted" });
    expect(actions).toContainEqual({ action: "user.suspended", label: "User suspended" });
  });
});

describe("the export", () => {
  it("writes the filtered rows as CSV through the shared writer, and records that it was taken", async () => {
    const response = await download(admin, `targetUserId=${member.id}&action=ledger.adjust&actorId=`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parseCsv((await response.text()).replace(/^\uFEFF/, ""));
    expect(header).toEqual(["Entry ID", "Time (UTC)", "Actor", "Actor email", "Action", "Action code", "Target", "Target email", "Details", "Details (JSON)"]);
    expect(rows).toHaveLength(2);
    const [newest] = rows;
    expect(newest?.slice(2, 8)).toEqual([admin.displayName, admin.email, "Balance adjusted", "ledger.adjust", member.displayName, member.email]);
    expect(newest?.[8]).toBe(`Amount: 25; Reason: =HYPERLINK("http://evil.test"), goodwill; Wallet: credits; Currency: CRD; Transaction ID: ${adjustmentId.toString()}`);
    expect(JSON.parse(newest?.[9] ?? "{}")).toMatchObject({ amount: "25", transactionId: adjustmentId.toString() });
    expect(new Date(newest?.[1] ?? "").getTime()).not.toBeNaN();

    const { entries } = await callerAs(admin).audit.list({ action: "audit_log.exported", actorId: admin.id });
    expect(entries[0]?.details.map(({ label, value }) => [label, value])).toContainEqual(["Rows", "2"]);
  });
});

describe("the ledger explorer", () => {
  it("names the admin behind an adjustment", async () => {
    const { transactions } = await callerAs(admin).ledger.explore({ userId: member.id, kind: "ADJUSTMENT" });
    const adjustment = transactions.find((transaction) => transaction.id === adjustmentId);
    expect(adjustment?.actor).toEqual({ id: admin.id, displayName: admin.displayName, email: admin.email });
  });

  it("finds the admin through the audit row when the posting recorded no actor", async () => {
    const legacy = await withTransaction(pool, async (db) => {
      const posted = await post(db, {
        kind: "ADJUSTMENT",
        idempotencyKey: `legacy-adjustment:${randomUUID()}`,
        actorId: null,
        description: "Adjustment: imported",
        legs: adjustmentLegs(member.id, "available", 5n),
      });
      await db.query(
        `INSERT INTO audit_log (actor_id, action, target_type, target_id, details) VALUES ($1, 'ledger.adjust', 'user', $2, $3::jsonb)`,
        [otherAdmin.id, member.id, JSON.stringify({ transactionId: posted.transactionId.toString() })],
      );
      return posted.transactionId;
    });
    const { transactions } = await callerAs(admin).ledger.explore({ userId: member.id, kind: "ADJUSTMENT" });
    const adjustment = transactions.find((transaction) => transaction.id === legacy);
    expect(adjustment?.actor).toEqual({ id: otherAdmin.id, displayName: otherAdmin.displayName, email: otherAdmin.email });
  });
});
