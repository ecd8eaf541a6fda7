import { createHmac } from "node:crypto";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/pusher/auth/route";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import type { SessionUser } from "@/server/auth/session-user";
import { env } from "@/server/env";
import { ADMINS_CHANNEL, roomChannel, userChannel } from "@/server/integrations/pusher";
import { pool } from "@/server/db/client";
import { suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

const SOCKET_ID = "1234.5678";

let member: SessionUser;
let otherMember: SessionUser;

beforeAll(async () => {
  member = await makeMember("realtime");
  otherMember = await makeMember("bystander");
});

async function sessionCookie(user: SessionUser): Promise<string> {
  const token = await encode({
    token: { sub: user.id, role: user.role, username: user.username, sessionVersion: user.sessionVersion },
    secret: env.AUTH_SECRET,
  });
  return `${SESSION_COOKIE_NAME}=${token}`;
}

async function authorize(as: SessionUser | null, body: string) {
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  if (as) headers.set("cookie", await sessionCookie(as));
  const response = await POST(new NextRequest("http://127.0.0.1:3000/api/pusher/auth", { method: "POST", headers, body }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const form = (socketId: string, channel: string) => new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString();

describe("POST /api/pusher/auth", () => {
  it("signs a member's subscription to their own channel", async () => {
    const channel = userChannel(member.id);
    const { status, body } = await authorize(member, form(SOCKET_ID, channel));
    expect(status).toBe(200);
    const expected = createHmac("sha256", env.PUSHER_SECRET).update(`${SOCKET_ID}:${channel}`).digest("hex");
    expect(body).toEqual({ auth: `${env.PUSHER_KEY}:${expected}` });
  });

  it("refuses another user's channel, the room of someone who is no performer, and public channels", async () => {
    for (const channel of [userChannel(otherMember.id), roomChannel(otherMember.id), "wallet-news"]) {
      const { status, body } = await authorize(member, form(SOCKET_ID, channel));
      expect(status, channel).toBe(403);
      expect(body).not.toHaveProperty("auth");
    }
  });

  it("signs admins into the admins' channel and refuses everyone else", async () => {
    const admin = await makeAdmin();
    const performer = await makePerformer(admin, "Not An Admin");
    const signed = await authorize(admin, form(SOCKET_ID, ADMINS_CHANNEL));
    expect(signed.status).toBe(200);
    const expected = createHmac("sha256", env.PUSHER_SECRET).update(`${SOCKET_ID}:${ADMINS_CHANNEL}`).digest("hex");
    expect(signed.body).toEqual({ auth: `${env.PUSHER_KEY}:${expected}` });
    for (const user of [member, performer]) {
      const { status, body } = await authorize(user, form(SOCKET_ID, ADMINS_CHANNEL));
      expect(status, user.role).toBe(403);
      expect(body).not.toHaveProperty("auth");
    }
  });

  it("refuses visitors who are not signed in", async () => {
    const { status, body } = await authorize(null, form(SOCKET_ID, userChannel(member.id)));
    expect(status).toBe(401);
    expect(body).not.toHaveProperty("auth");
  });

  it("refuses a session that was revoked by suspension", async () => {
    const admin = await makeAdmin();
    const suspended = await makeMember("banned");
    await suspendUser(admin, { userId: suspended.id, reason: "Test" });
    const { status } = await authorize(suspended, form(SOCKET_ID, userChannel(suspended.id)));
    expect(status).toBe(401);
  });

  it.each([
    ["an empty body", ""],
    ["a JSON body", JSON.stringify({ socket_id: SOCKET_ID })],
    ["a missing channel", new URLSearchParams({ socket_id: SOCKET_ID }).toString()],
  ])("answers %s with 400", async (_name, body) => {
    expect((await authorize(member, body)).status).toBe(400);
  });

  it("answers a malformed socket id on the member's own channel with 400", async () => {
    const { status, body } = await authorize(member, form("not-a-socket", userChannel(member.id)));
    expect(status).toBe(400);
    expect(body).not.toHaveProperty("auth");
  });

  describe("performer rooms (presence-room-<performerId>)", () => {
    let admin: SessionUser;
    let performer: SessionUser;

    beforeAll(async () => {
      admin = await makeAdmin();
      performer = await makePerformer(admin, "Auth Stage");
    });

    const roomSignature = (channel: string, channelData: string) =>
      `${env.PUSHER_KEY}:${createHmac("sha256", env.PUSHER_SECRET).update(`${SOCKET_ID}:${channel}:${channelData}`).digest("hex")}`;

    it("signs a member into a public room, showing them by name and role", async () => {
      const channel = roomChannel(performer.id);
      const { status, body } = await authorize(member, form(SOCKET_ID, channel));
      expect(status).toBe(200);
      const channelData = JSON.stringify({ user_id: member.id, user_info: { name: member.displayName, role: "MEMBER" } });
      expect(body).toEqual({ auth: roomSignature(channel, channelData), channel_data: channelData });
    });

    it("signs the performer into their own room under their stage name, and an admin into any room", async () => {
      const own = await authorize(performer, form(SOCKET_ID, roomChannel(performer.id)));
      expect(JSON.parse(String(own.body.channel_data))).toEqual({ user_id: performer.id, user_info: { name: "Auth Stage", role: "PERFORMER" } });
      const byAdmin = await authorize(admin, form(SOCKET_ID, roomChannel(performer.id)));
      expect(JSON.parse(String(byAdmin.body.channel_data))).toMatchObject({ user_info: { role: "ADMIN" } });
    });

    it("refuses a member the performer removed, with the reason", async () => {
      const removed = await makeMember("removed");
      await pool.query(`INSERT INTO room_restrictions (performer_id, member_id, kind, created_by_id) VALUES ($1, $2, 'REMOVED', $1)`, [
        performer.id,
        removed.id,
      ]);
      const { status, body } = await authorize(removed, form(SOCKET_ID, roomChannel(performer.id)));
      expect(status).toBe(403);
      expect(body).toEqual({ error: "You were removed from this room." });
    });

    it("lets only members of the plan into a membership-only room", async () => {
      const host = await makePerformer(admin, "Members Only");
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO membership_plans (id, performer_id, name, price, period_days, updated_at)
         VALUES (gen_random_uuid(), $1, 'VIP', 100, 30, now()) RETURNING id`,
        [host.id],
      );
      const planId = rows[0]?.id;
      await pool.query(`INSERT INTO rooms (performer_id, access, required_plan_id) VALUES ($1, 'MEMBERSHIP', $2)`, [host.id, planId]);
      const subscriber = await makeMember("subscriber");
      await pool.query(
        `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now() + interval '30 days', 30, now())`,
        [planId, subscriber.id],
      );

      const refused = await authorize(member, form(SOCKET_ID, roomChannel(host.id)));
      expect(refused).toEqual({ status: 403, body: { error: "This room is for members of “VIP”. Join the plan to enter." } });
      expect((await authorize(subscriber, form(SOCKET_ID, roomChannel(host.id)))).status).toBe(200);
    });

    it("lets only members who unlocked its access item into a paid room", async () => {
      const host = await makePerformer(admin, "Paid Only");
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO content_items (id, performer_id, kind, status, title, price, updated_at)
         VALUES (gen_random_uuid(), $1, 'ROOM_ACCESS', 'PUBLISHED', 'Ringside seat', 40, now()) RETURNING id`,
        [host.id],
      );
      const itemId = rows[0]?.id;
      await pool.query(`INSERT INTO rooms (performer_id, access, access_item_id) VALUES ($1, 'PAID', $2)`, [host.id, itemId]);
      const ticketHolder = await makeMember("ticket");
      await pool.query(`INSERT INTO content_unlocks (id, item_id, member_id, price, transaction_id) VALUES (gen_random_uuid(), $1, $2, 40, 0)`, [
        itemId,
        ticketHolder.id,
      ]);

      const refused = await authorize(member, form(SOCKET_ID, roomChannel(host.id)));
      expect(refused).toEqual({ status: 403, body: { error: "Entry to this room is paid: unlock “Ringside seat” to enter." } });
      expect((await authorize(ticketHolder, form(SOCKET_ID, roomChannel(host.id)))).status).toBe(200);
    });

    it.each([
      ["no performer id", () => roomChannel("")],
      ["an id that is not a uuid", () => roomChannel("luna")],
      ["a suffix after the id", () => `${roomChannel(performer.id)}-extra`],
      ["upper-case id", () => roomChannel(performer.id.toUpperCase())],
      ["a private room channel", () => `private-room-${performer.id}`],
      ["a presence channel that is no room", () => `presence-user-${performer.id}`],
      ["a public room channel", () => `room-${performer.id}`],
    ])("refuses %s", async (_case, channel) => {
      const { status, body } = await authorize(member, form(SOCKET_ID, channel()));
      expect(status).toBe(403);
      expect(body).toEqual({ error: "You may not join that channel." });
    });

    it("answers a malformed socket id on a room the member may join with 400", async () => {
      const { status, body } = await authorize(member, form("not-a-socket", roomChannel(performer.id)));
      expect(status).toBe(400);
      expect(body).not.toHaveProperty("auth");
    });
  });
});
