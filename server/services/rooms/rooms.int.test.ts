import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import { deliverAllDue } from "@/server/outbox/relay";
import { fundUser } from "@/server/testing/factories";
import { canEnterRoom } from "@/server/services/rooms/room-access";
import { setSetting } from "@/server/services/settings/settings";
import { suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs } from "@/server/testing/api";

const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(trigger),
}));
// A show that ends mails its receipts; no mail server here.
vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));

let admin: SessionUser;
let performer: SessionUser;
let otherPerformer: SessionUser;
let member: SessionUser;
let bystander: SessionUser;

/** The domain code of a refusal and its message, else the tRPC code, else "OK". */
async function refusalOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return isDomainError(error.cause) ? `${error.cause.code}: ${error.cause.message}` : error.code;
    throw error;
  }
}

async function insertPlan(performerId: string, name: string, active = true): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO membership_plans (id, performer_id, name, price, period_days, active, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 100, 30, $3, now()) RETURNING id`,
    [performerId, name, active],
  );
  return rows[0]!.id;
}

async function insertMembership(planId: string, memberId: string, periodEnd: string): Promise<void> {
  await pool.query(
    `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 'ACTIVE', now() - interval '40 days', now() + $3::interval, 30, now())`,
    [planId, memberId, periodEnd],
  );
}

async function insertItem(performerId: string, title: string, kind = "ROOM_ACCESS", status = "PUBLISHED"): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO content_items (id, performer_id, kind, status, title, price, updated_at)
     VALUES (gen_random_uuid(), $1, $2::"ContentKind", $3::"ContentStatus", $4, 50, now()) RETURNING id`,
    [performerId, kind, status, title],
  );
  return rows[0]!.id;
}

async function insertUnlock(itemId: string, memberId: string): Promise<void> {
  await pool.query(
    `INSERT INTO content_unlocks (id, item_id, member_id, price, transaction_id) VALUES (gen_random_uuid(), $1, $2, 50, 0)`,
    [itemId, memberId],
  );
}

/** The room's events, once everything announced so far is delivered. */
const roomEvents = async (performerId: string, event: string) =>
  (await deliverAllDue(pool), trigger.mock.calls as unknown as [string, string, unknown][]).filter(([channel, name]) => channel === `presence-room-${performerId}` && name === event);

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Nova Stage");
  otherPerformer = await makePerformer(admin, "Other Stage");
  member = await makeMember("viewer");
  bystander = await makeMember("bystander");
});

beforeEach(async () => {
  await deliverAllDue(pool);
  trigger.mockClear();
});

afterAll(async () => {
  await closeDb();
});

describe("the room view", () => {
  it("shows a room nobody configured as public, offline, on the admin defaults, and invites visitors to sign in", async () => {
    const room = await callerAs(null).rooms.get({ username: performer.username.toUpperCase() });
    expect(room).toEqual({
      performerId: performer.id,
      username: performer.username,
      stageName: "Nova Stage",
      online: false,
      onlineSince: null,
      access: "PUBLIC",
      canJoin: false,
      joinRefusal: "Sign in to join the room.",
      meterControl: "AUTOMATIC",
      terms: { privatePricePerMinute: 60n, groupPricePerMinute: 20n, freeSeconds: 0, minimumMinutes: 1, incrementSeconds: 30 },
      viewer: null,
    });
    const { rows } = await pool.query("SELECT 1 FROM rooms WHERE performer_id = $1", [performer.id]);
    expect(rows).toEqual([]);
  });

  it("tells a signed-in member they may join", async () => {
    const room = await callerAs(member).rooms.get({ username: performer.username });
    expect(room).toMatchObject({ canJoin: true, joinRefusal: null, viewer: { id: member.id, role: "MEMBER", muted: false, removed: false } });
  });

  it("has no room for a username that is not an approved performer", async () => {
    expect(await refusalOf(() => callerAs(member).rooms.get({ username: "nobody-at-all" }))).toBe("NOT_FOUND: No performer goes by that name.");
    expect(await refusalOf(() => callerAs(member).rooms.get({ username: member.username }))).toBe("NOT_FOUND: No performer goes by that name.");
  });
});

describe("going online", () => {
  it("opens and closes the room and tells everyone in it", async () => {
    const opened = await callerAs(performer).rooms.setOnline({ online: true });
    expect(opened.online).toBe(true);
    expect(opened.onlineSince).toBeInstanceOf(Date);
    expect(await roomEvents(performer.id, "room.status")).toEqual([[`presence-room-${performer.id}`, "room.status", { online: true }]]);
    const again = await callerAs(performer).rooms.setOnline({ online: true });
    expect(again.onlineSince).toEqual(opened.onlineSince);
    expect(await callerAs(null).rooms.get({ username: performer.username })).toMatchObject({ online: true, onlineSince: opened.onlineSince });

    const closed = await callerAs(performer).rooms.setOnline({ online: false });
    expect(closed).toEqual({ online: false, onlineSince: null });
    expect((await roomEvents(performer.id, "room.status")).at(-1)?.[2]).toEqual({ online: false });
  });

  it("ends the performer's live show when they go offline", async () => {
    const host = await makePerformer(admin, "Show Host");
    const viewer = await makeMember("show-viewer");
    await callerAs(admin).commissions.set({ kind: "PRIVATE_SHOW", performerShareBps: 7000 });
    await fundUser(pool, viewer.id, 500n);
    await callerAs(host).rooms.setOnline({ online: true });
    const requested = await callerAs(viewer).shows.requestPrivate({ performerId: host.id, idempotencyKey: randomUUID() });
    await callerAs(host).shows.respond({ showId: requested.showId, accept: true });
    expect((await callerAs(viewer).shows.current({ performerId: host.id }))?.status).toBe("LIVE");

    await callerAs(host).rooms.setOnline({ online: false });
    const { rows } = await pool.query<{ status: string; end_reason: string }>("SELECT status, end_reason FROM shows WHERE id = $1", [requested.showId]);
    expect(rows).toEqual([{ status: "ENDED", end_reason: "performer_offline" }]);
  });

  it("is for performers, each for their own room only", async () => {
    expect(await refusalOf(() => callerAs(member).rooms.setOnline({ online: true }))).toBe("FORBIDDEN");
    expect(await refusalOf(() => callerAs(admin).rooms.setOnline({ online: true }))).toBe("FORBIDDEN");
    expect(await refusalOf(() => callerAs(null).rooms.setOnline({ online: true }))).toBe("UNAUTHORIZED");
  });
});

describe("room settings", () => {
  it("keeps prices within the admin's bounds, with a clear message and nothing changed", async () => {
    const before = await callerAs(performer).rooms.settings();
    expect(before).toMatchObject({
      bounds: { minPricePerMinute: 5n, maxPricePerMinute: 500n },
      defaults: { privatePricePerMinute: 60n, groupPricePerMinute: 20n },
      overrides: { privatePricePerMinute: null },
    });
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ privatePricePerMinute: 501n }))).toBe(
      "BAD_REQUEST: The private show price must be between 5 and 500 credits a minute.",
    );
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ groupPricePerMinute: 4n, meterControl: "PERFORMER_STARTS" }))).toBe(
      "BAD_REQUEST: The group show price must be between 5 and 500 credits a minute.",
    );
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ freeSeconds: 3_601 }))).toBe("BAD_REQUEST");
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ incrementSeconds: 0 }))).toBe("BAD_REQUEST");
    expect(await callerAs(performer).rooms.settings()).toEqual(before);
  });

  it("saves prices, terms and meter control, shows them in the room, and audits the change", async () => {
    const saved = await callerAs(performer).rooms.updateSettings({
      privatePricePerMinute: 90n,
      groupPricePerMinute: 500n,
      freeSeconds: 30,
      minimumMinutes: 2,
      incrementSeconds: 60,
      meterControl: "PERFORMER_CONTROLS",
    });
    expect(saved).toMatchObject({
      meterControl: "PERFORMER_CONTROLS",
      overrides: { privatePricePerMinute: 90n, groupPricePerMinute: 500n, freeSeconds: 30, minimumMinutes: 2, incrementSeconds: 60 },
    });
    expect(await callerAs(member).rooms.get({ username: performer.username })).toMatchObject({
      meterControl: "PERFORMER_CONTROLS",
      terms: { privatePricePerMinute: 90n, groupPricePerMinute: 500n, freeSeconds: 30, minimumMinutes: 2, incrementSeconds: 60 },
    });

    const partly = await callerAs(performer).rooms.updateSettings({ privatePricePerMinute: null, minimumMinutes: 0 });
    expect(partly.overrides).toEqual({ privatePricePerMinute: null, groupPricePerMinute: 500n, freeSeconds: 30, minimumMinutes: 0, incrementSeconds: 60 });
    expect((await callerAs(member).rooms.get({ username: performer.username })).terms).toMatchObject({ privatePricePerMinute: 60n, minimumMinutes: 0 });

    const { rows } = await pool.query<{ actor_id: string; details: { after: { private_price_per_minute: string | null } } }>(
      "SELECT actor_id, details FROM audit_log WHERE action = 'room.settings' AND target_id = $1 ORDER BY id",
      [performer.id],
    );
    expect(rows.map((row) => row.details.after.private_price_per_minute)).toEqual(["90", null]);
    expect(rows.every((row) => row.actor_id === performer.id)).toBe(true);
  });

  it("follows the admin's bounds as they change", async () => {
    await setSetting(admin.id, "shows", {
      minPricePerMinute: 10n,
      maxPricePerMinute: 100n,
      defaultPrivatePricePerMinute: 60n,
      defaultGroupPricePerMinute: 20n,
      freeSeconds: 0,
      minimumMinutes: 1,
      incrementSeconds: 30,
      settleThreshold: 100n,
      offlineTimeoutSeconds: 90,
    });
    try {
      expect(await refusalOf(() => callerAs(otherPerformer).rooms.updateSettings({ privatePricePerMinute: 150n }))).toBe(
        "BAD_REQUEST: The private show price must be between 10 and 100 credits a minute.",
      );
      expect((await callerAs(otherPerformer).rooms.updateSettings({ privatePricePerMinute: 100n })).overrides.privatePricePerMinute).toBe(100n);
    } finally {
      await setSetting(admin.id, "shows", {
        minPricePerMinute: 5n,
        maxPricePerMinute: 500n,
        defaultPrivatePricePerMinute: 60n,
        defaultGroupPricePerMinute: 20n,
        freeSeconds: 0,
        minimumMinutes: 1,
        incrementSeconds: 30,
        settleThreshold: 1n,
        offlineTimeoutSeconds: 90,
      });
    }
  });

  it("sets the room's card tab split threshold, audited, and refuses it while the admin keeps it", async () => {
    const tabs = { minLimitMinor: 2_000n, maxLimitMinor: 50_000n, defaultSplitThreshold: null, performersMaySetSplit: true, writeOffBorneBy: "PLATFORM", settleAfterHours: 120 } as const;
    expect(await callerAs(otherPerformer).rooms.settings()).toMatchObject({ tabSplitThreshold: null, tabSplitAllowed: true });
    expect(await refusalOf(() => callerAs(otherPerformer).rooms.updateSettings({ tabSplitThreshold: 0n }))).toBe("BAD_REQUEST");
    const saved = await callerAs(otherPerformer).rooms.updateSettings({ tabSplitThreshold: 50n });
    expect(saved.tabSplitThreshold).toBe(50n);
    const stored = await pool.query<{ tab_split_threshold: string | null }>("SELECT tab_split_threshold FROM rooms WHERE performer_id = $1", [otherPerformer.id]);
    expect(stored.rows[0]?.tab_split_threshold).toBe("50");
    // Other changes leave it as it is; null puts it back to the site's.
    expect((await callerAs(otherPerformer).rooms.updateSettings({ groupPricePerMinute: 8n })).tabSplitThreshold).toBe(50n);
    const { rows } = await pool.query<{ details: { before: { tab_split_threshold: string | null }; after: { tab_split_threshold: string | null } } }>(
      "SELECT details FROM audit_log WHERE action = 'room.settings' AND target_id = $1 ORDER BY id DESC LIMIT 2",
      [otherPerformer.id],
    );
    expect(rows.map((row) => [row.details.before.tab_split_threshold, row.details.after.tab_split_threshold])).toEqual([
      ["50", "50"],
      [null, "50"],
    ]);

    await setSetting(admin.id, "tabs", { ...tabs, performersMaySetSplit: false });
    try {
      expect(await callerAs(otherPerformer).rooms.settings()).toMatchObject({ tabSplitThreshold: 50n, tabSplitAllowed: false });
      expect(await refusalOf(() => callerAs(otherPerformer).rooms.updateSettings({ tabSplitThreshold: 20n }))).toBe(
        "BAD_REQUEST: Card tab split thresholds are set by Tipmeter for now; leave the field blank.",
      );
      expect((await callerAs(otherPerformer).rooms.settings()).tabSplitThreshold).toBe(50n);
      // The form leaves the field out while it is not the performer's to set, and the rest still saves.
      expect((await callerAs(otherPerformer).rooms.updateSettings({ groupPricePerMinute: 9n })).overrides.groupPricePerMinute).toBe(9n);
      expect((await callerAs(otherPerformer).rooms.updateSettings({ tabSplitThreshold: null })).tabSplitThreshold).toBeNull();
    } finally {
      await setSetting(admin.id, "tabs", tabs);
      await callerAs(otherPerformer).rooms.updateSettings({ groupPricePerMinute: null, tabSplitThreshold: null });
    }
  });

  it("lets only performers change room settings, and only their own", async () => {
    expect(await refusalOf(() => callerAs(member).rooms.updateSettings({ privatePricePerMinute: 10n }))).toBe("FORBIDDEN");
    expect(await refusalOf(() => callerAs(admin).rooms.updateSettings({ privatePricePerMinute: 10n }))).toBe("FORBIDDEN");
    expect(await refusalOf(() => callerAs(member).rooms.settings())).toBe("FORBIDDEN");
    const before = await callerAs(performer).rooms.settings();
    await callerAs(otherPerformer).rooms.updateSettings({ groupPricePerMinute: 7n });
    expect(await callerAs(performer).rooms.settings()).toEqual(before);
  });

  it("makes a room members-only with one of the performer's own active plans", async () => {
    const ownPlan = await insertPlan(performer.id, "Nova Fan Club");
    const retiredPlan = await insertPlan(performer.id, "Old Club", false);
    const someoneElsesPlan = await insertPlan(otherPerformer.id, "Other Club");
    const refusal = "BAD_REQUEST: Choose one of your active membership plans for a members-only room.";
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ access: "MEMBERSHIP" }))).toBe(refusal);
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ access: "MEMBERSHIP", requiredPlanId: someoneElsesPlan }))).toBe(refusal);
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ access: "MEMBERSHIP", requiredPlanId: retiredPlan }))).toBe(refusal);
    expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ access: "MEMBERSHIP", requiredPlanId: randomUUID() }))).toBe(refusal);

    const saved = await callerAs(performer).rooms.updateSettings({ access: "MEMBERSHIP", requiredPlanId: ownPlan, accessItemId: randomUUID() });
    expect(saved).toMatchObject({ access: "MEMBERSHIP", requiredPlanId: ownPlan, accessItemId: null });
    expect(saved.plans).toEqual([{ id: ownPlan, name: "Nova Fan Club" }]);
    await callerAs(performer).rooms.updateSettings({ access: "PUBLIC" });
    expect(await callerAs(performer).rooms.settings()).toMatchObject({ access: "PUBLIC", requiredPlanId: null });
  });

  it("makes a room paid with one of the performer's own published room-access items", async () => {
    const pass = await insertItem(performer.id, "Backstage pass");
    const draft = await insertItem(performer.id, "Draft pass", "ROOM_ACCESS", "DRAFT");
    const video = await insertItem(performer.id, "A video", "VIDEO");
    const othersPass = await insertItem(otherPerformer.id, "Other pass");
    const refusal = "BAD_REQUEST: Choose one of your published room-access items for a paid room.";
    for (const accessItemId of [undefined, draft, video, othersPass]) {
      expect(await refusalOf(() => callerAs(performer).rooms.updateSettings({ access: "PAID", accessItemId })), String(accessItemId)).toBe(refusal);
    }
    const saved = await callerAs(performer).rooms.updateSettings({ access: "PAID", accessItemId: pass });
    expect(saved).toMatchObject({ access: "PAID", accessItemId: pass, requiredPlanId: null });
    expect(saved.accessItems).toEqual([{ id: pass, title: "Backstage pass", price: 50n }]);
    await callerAs(performer).rooms.updateSettings({ access: "PUBLIC" });
  });
});

describe("who may enter a room", () => {
  it("refuses a membership-only room to members without a current membership of its plan", async () => {
    const host = await makePerformer(admin, "Members Host");
    const plan = await insertPlan(host.id, "Inner Circle");
    await callerAs(host).rooms.updateSettings({ access: "MEMBERSHIP", requiredPlanId: plan });
    const current = await makeMember("current");
    const lapsed = await makeMember("lapsed");
    await insertMembership(plan, current.id, "10 days");
    await insertMembership(plan, lapsed.id, "-1 day");

    const refusal = { ok: false, reason: "This room is for members of “Inner Circle”. Join the plan to enter." };
    expect(await canEnterRoom(pool, host.id, current.id)).toEqual({ ok: true });
    expect(await canEnterRoom(pool, host.id, lapsed.id)).toEqual(refusal);
    expect(await canEnterRoom(pool, host.id, member.id)).toEqual(refusal);
    expect(await canEnterRoom(pool, host.id, host.id)).toEqual({ ok: true });
    expect(await canEnterRoom(pool, host.id, admin.id)).toEqual({ ok: true });
    expect(await callerAs(member).rooms.get({ username: host.username })).toMatchObject({ access: "MEMBERSHIP", canJoin: false, joinRefusal: refusal.reason });
  });

  it("refuses a paid room to members who did not unlock its access item", async () => {
    const host = await makePerformer(admin, "Paid Host");
    const pass = await insertItem(host.id, "Front row");
    await callerAs(host).rooms.updateSettings({ access: "PAID", accessItemId: pass });
    const buyer = await makeMember("buyer");
    await insertUnlock(pass, buyer.id);

    expect(await canEnterRoom(pool, host.id, buyer.id)).toEqual({ ok: true });
    expect(await canEnterRoom(pool, host.id, member.id)).toEqual({ ok: false, reason: "Entry to this room is paid: unlock “Front row” to enter." });
    expect(await canEnterRoom(pool, host.id, otherPerformer.id)).toMatchObject({ ok: false });
  });

  it("closes the room of a suspended performer, and knows no room for a stranger's id", async () => {
    const host = await makePerformer(admin, "Gone Host");
    await suspendUser(admin, { userId: host.id, reason: "Test" });
    expect(await canEnterRoom(pool, host.id, member.id)).toEqual({ ok: false, reason: "This room is closed." });
    expect(await canEnterRoom(pool, member.id, bystander.id)).toEqual({ ok: false, reason: "This room is closed." });
    expect(await canEnterRoom(pool, "not-a-uuid", member.id)).toEqual({ ok: false, reason: "There is no such room." });
  });
});

describe("chat", () => {
  it("stores and announces a member's message and the performer's reply, listed oldest first", async () => {
    const sent = await callerAs(member).rooms.sendMessage({ performerId: performer.id, body: "  Play the\r\nloop song!  " });
    expect(sent).toMatchObject({ senderId: member.id, senderName: member.displayName, fromPerformer: false, body: "Play the\nloop song!" });
    expect(await roomEvents(performer.id, "chat.message")).toEqual([
      [
        `presence-room-${performer.id}`,
        "chat.message",
        {
          id: sent.id.toString(),
          senderId: member.id,
          senderName: member.displayName,
          fromPerformer: false,
          body: "Play the\nloop song!",
          at: sent.at.toISOString(),
        },
      ],
    ]);
    const reply = await callerAs(performer).rooms.sendMessage({ performerId: performer.id, body: "Coming up" });
    expect(reply).toMatchObject({ senderName: "Nova Stage", fromPerformer: true });

    const messages = await callerAs(bystander).rooms.messages({ performerId: performer.id });
    expect(messages.slice(-2).map((message) => [message.senderName, message.body])).toEqual([
      [member.displayName, "Play the\nloop song!"],
      ["Nova Stage", "Coming up"],
    ]);
  });

  it("refuses empty and overlong messages", async () => {
    for (const body of ["   ", "x".repeat(501)]) {
      expect(await refusalOf(() => callerAs(member).rooms.sendMessage({ performerId: performer.id, body }))).toBe("BAD_REQUEST");
    }
  });

  it("refuses a muted member's messages until they are unmuted", async () => {
    const chatty = await makeMember("chatty");
    await callerAs(performer).rooms.mute({ memberId: chatty.id });
    expect(await roomEvents(performer.id, "member.muted")).toEqual([[`presence-room-${performer.id}`, "member.muted", { memberId: chatty.id, muted: true }]]);
    expect((await callerAs(chatty).rooms.get({ username: performer.username })).viewer).toMatchObject({ muted: true, removed: false });
    const count = (await callerAs(performer).rooms.messages({ performerId: performer.id })).length;
    expect(await refusalOf(() => callerAs(chatty).rooms.sendMessage({ performerId: performer.id, body: "hello?" }))).toBe(
      "FORBIDDEN: You're muted in this room: your messages aren't sent.",
    );
    expect((await callerAs(performer).rooms.messages({ performerId: performer.id })).length).toBe(count);
    expect(await callerAs(chatty).rooms.messages({ performerId: performer.id })).toHaveLength(count);

    await callerAs(performer).rooms.unmute({ memberId: chatty.id });
    expect(await refusalOf(() => callerAs(chatty).rooms.sendMessage({ performerId: performer.id, body: "thanks" }))).toBe("OK");
  });

  it("limits how fast one member can send", async () => {
    const spammer = await makeMember("spammer");
    // Five a ten-second window, windows aligned to the clock: eleven quick messages always meet the limit.
    const outcomes: string[] = [];
    for (let index = 0; index < 11; index += 1) {
      outcomes.push(await refusalOf(() => callerAs(spammer).rooms.sendMessage({ performerId: performer.id, body: `message ${index}` })));
    }
    expect(outcomes.slice(0, 5)).not.toContain("FORBIDDEN");
    expect(outcomes.filter((outcome) => outcome.startsWith("RATE_LIMITED: You're sending messages too fast.")).length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome === "OK").length).toBeLessThanOrEqual(10);
  });

  it("is only for signed-in people who may enter the room", async () => {
    expect(await refusalOf(() => callerAs(null).rooms.messages({ performerId: performer.id }))).toBe("UNAUTHORIZED");
    expect(await refusalOf(() => callerAs(null).rooms.sendMessage({ performerId: performer.id, body: "hi" }))).toBe("UNAUTHORIZED");
  });
});

describe("moderation", () => {
  it("removes a member: they are told to leave, can't chat, read or rejoin until readmitted", async () => {
    const troll = await makeMember("troll");
    await callerAs(troll).rooms.sendMessage({ performerId: performer.id, body: "first" });
    await callerAs(performer).rooms.remove({ memberId: troll.id });
    expect(await roomEvents(performer.id, "member.removed")).toEqual([[`presence-room-${performer.id}`, "member.removed", { memberId: troll.id }]]);

    const removed = "FORBIDDEN: You were removed from this room.";
    expect(await canEnterRoom(pool, performer.id, troll.id)).toEqual({ ok: false, reason: "You were removed from this room." });
    expect(await refusalOf(() => callerAs(troll).rooms.sendMessage({ performerId: performer.id, body: "again" }))).toBe(removed);
    expect(await refusalOf(() => callerAs(troll).rooms.messages({ performerId: performer.id }))).toBe(removed);
    expect(await callerAs(troll).rooms.get({ username: performer.username })).toMatchObject({
      canJoin: false,
      joinRefusal: "You were removed from this room.",
      viewer: { removed: true },
    });
    expect(await canEnterRoom(pool, otherPerformer.id, troll.id)).toEqual({ ok: true });
    expect(await callerAs(performer).rooms.restrictions({ performerId: performer.id })).toContainEqual(
      expect.objectContaining({ memberId: troll.id, displayName: troll.displayName, kind: "REMOVED" }),
    );

    await callerAs(performer).rooms.readmit({ memberId: troll.id });
    expect(await canEnterRoom(pool, performer.id, troll.id)).toEqual({ ok: true });
    const { rows } = await pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_type = 'room' AND target_id = $1 AND details->>'memberId' = $2 ORDER BY id",
      [performer.id, troll.id],
    );
    expect(rows.map((row) => row.action)).toEqual(["room.remove", "room.readmit"]);
  });

  it("refuses another performer and members, and lets an admin act in any room", async () => {
    const target = await makeMember("target");
    const inPerformersRoom = { performerId: performer.id, memberId: target.id };
    expect({
      otherPerformerMutes: await refusalOf(() => callerAs(otherPerformer).rooms.mute(inPerformersRoom)),
      otherPerformerRemoves: await refusalOf(() => callerAs(otherPerformer).rooms.remove(inPerformersRoom)),
      otherPerformerLists: await refusalOf(() => callerAs(otherPerformer).rooms.restrictions({ performerId: performer.id })),
      memberMutes: await refusalOf(() => callerAs(member).rooms.mute(inPerformersRoom)),
      memberRemoves: await refusalOf(() => callerAs(member).rooms.remove({ memberId: target.id })),
      anonymousRemoves: await refusalOf(() => callerAs(null).rooms.remove(inPerformersRoom)),
    }).toEqual({
      otherPerformerMutes: "FORBIDDEN: You can only moderate your own room.",
      otherPerformerRemoves: "FORBIDDEN: You can only moderate your own room.",
      otherPerformerLists: "FORBIDDEN: You can only moderate your own room.",
      memberMutes: "FORBIDDEN: Only the room's performer or an administrator can do that.",
      memberRemoves: "BAD_REQUEST: Name the room's performer.",
      anonymousRemoves: "UNAUTHORIZED",
    });
    expect(await canEnterRoom(pool, performer.id, target.id)).toEqual({ ok: true });
    expect(await roomEvents(performer.id, "member.removed")).toEqual([]);

    expect(await refusalOf(() => callerAs(admin).rooms.remove({ memberId: target.id }))).toBe("BAD_REQUEST: Name the room's performer.");
    await callerAs(admin).rooms.remove(inPerformersRoom);
    expect(await canEnterRoom(pool, performer.id, target.id)).toMatchObject({ ok: false });
    await callerAs(admin).rooms.readmit(inPerformersRoom);
  });

  it("never mutes or removes the room's performer or an admin, nor acts on unknown people or rooms", async () => {
    expect(await refusalOf(() => callerAs(performer).rooms.remove({ memberId: performer.id }))).toBe(
      "BAD_REQUEST: The performer can't be muted or removed in their own room.",
    );
    expect(await refusalOf(() => callerAs(performer).rooms.mute({ memberId: admin.id }))).toBe("FORBIDDEN: Administrators can't be muted or removed.");
    expect(await refusalOf(() => callerAs(performer).rooms.remove({ memberId: randomUUID() }))).toBe("NOT_FOUND: There is no such member.");
    expect(await refusalOf(() => callerAs(admin).rooms.remove({ performerId: member.id, memberId: bystander.id }))).toBe("NOT_FOUND: There is no such room.");
  });

  it("lets the performer and an admin mute and remove the same member at the same moment: one restriction of each kind", async () => {
    const target = await makeMember("crowded");
    const inPerformersRoom = { performerId: performer.id, memberId: target.id };
    const results = await Promise.allSettled([
      callerAs(performer).rooms.mute({ memberId: target.id }),
      callerAs(admin).rooms.mute(inPerformersRoom),
      callerAs(performer).rooms.remove({ memberId: target.id }),
      callerAs(admin).rooms.remove(inPerformersRoom),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    expect((await callerAs(performer).rooms.restrictions({ performerId: performer.id })).filter((row) => row.memberId === target.id).map((row) => row.kind).sort()).toEqual([
      "MUTED",
      "REMOVED",
    ]);
    await callerAs(performer).rooms.readmit({ memberId: target.id });
    await callerAs(performer).rooms.unmute({ memberId: target.id });
  });
});

describe("tips in the room", () => {
  it("shows a committed tip in the room feed", async () => {
    await callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
    await fundUser(pool, member.id, 100n);
    await callerAs(member).tips.send({ performerId: performer.id, amount: 15n, message: "Encore", idempotencyKey: randomUUID() });
    await deliverAllDue(pool);
    expect(await roomEvents(performer.id, "room.tip")).toEqual([
      [`presence-room-${performer.id}`, "room.tip", { fromDisplayName: member.displayName, amount: "15", message: "Encore", at: expect.any(String) as string }],
    ]);
  });
});
