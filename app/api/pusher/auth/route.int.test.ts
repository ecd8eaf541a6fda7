import { createHmac } from "node:crypto";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/pusher/auth/route";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import type { SessionUser } from "@/server/auth/session-user";
import { env } from "@/server/env";
import { roomChannel, userChannel } from "@/server/integrations/pusher";
import { suspendUser } from "@/server/services/users";
import { makeAdmin, makeMember } from "@/server/services/users.testing";

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

  it("refuses another user's channel, presence rooms and public channels", async () => {
    for (const channel of [userChannel(otherMember.id), roomChannel(otherMember.id), "wallet-news"]) {
      const { status, body } = await authorize(member, form(SOCKET_ID, channel));
      expect(status, channel).toBe(403);
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
});
