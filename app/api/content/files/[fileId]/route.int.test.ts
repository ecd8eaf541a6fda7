import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/content/files/[fileId]/route";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { env } from "@/server/env";
import { fundUser } from "@/server/testing/factories";
import { sessionCookie } from "@/server/testing/session-cookie";
import { setCommissionRate } from "@/server/services/sales";
import { addContentFile, createContentItem, setContentStatus, unlockContent } from "@/server/services/content";
import { TEST_IMAGE, TEST_VIDEO, insertMembership, insertPlan, makePublishedItem } from "@/server/testing/content";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

vi.hoisted(() => {
  process.env.STORAGE_DIR = `.tmp/test-uploads-files-route-${process.pid}-${Date.now()}`;
});
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => undefined) }));

let admin: SessionUser;
let performer: SessionUser;
let otherPerformer: SessionUser;
let buyer: SessionUser;
let otherMember: SessionUser;
let planMember: SessionUser;
let video: { id: string; protectedFileId: string | null; teaserFileId: string };
let gated: { id: string; protectedFileId: string | null; teaserFileId: string };

async function fetchFile(fileId: string, as: SessionUser | null, headers: Record<string, string> = {}) {
  const requestHeaders = new Headers(headers);
  if (as) requestHeaders.set("cookie", await sessionCookie(as));
  const request = new NextRequest(`http://127.0.0.1:3000/api/content/files/${fileId}`, { headers: requestHeaders });
  const response = await GET(request, { params: Promise.resolve({ fileId }) });
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Luna Files");
  otherPerformer = await makePerformer(admin, "Rex Files");
  buyer = await makeMember("buyer");
  otherMember = await makeMember("other");
  planMember = await makeMember("fan");
  await setCommissionRate(admin.id, { kind: "CONTENT", performerShareBps: 7500 });
  await fundUser(pool, buyer.id, 1_000n);
  video = await makePublishedItem(performer, { price: 25n });
  await unlockContent(buyer.id, { itemId: video.id, idempotencyKey: randomUUID() });
  const plan = await insertPlan(pool, performer.id);
  gated = await makePublishedItem(performer, { kind: "PICTURES", price: 25n, planId: plan, membersOnly: true });
  await insertMembership(pool, plan, planMember.id);
});

afterAll(async () => {
  await closeDb();
  await rm(path.resolve(env.STORAGE_DIR), { recursive: true, force: true });
});

describe("GET /api/content/files/[fileId], protected files", () => {
  it("streams the whole file to the buyer, inline and never cached", async () => {
    const { status, headers, body } = await fetchFile(video.protectedFileId as string, buyer);
    expect(status).toBe(200);
    expect(body).toEqual(TEST_VIDEO);
    expect(Object.fromEntries(headers)).toMatchObject({
      "content-type": "video/webm",
      "content-length": String(TEST_VIDEO.byteLength),
      "cache-control": "private, no-store",
      "content-disposition": `inline; filename="clip.webm"; filename*=UTF-8''clip.webm`,
      "accept-ranges": "bytes",
      "x-content-type-options": "nosniff",
    });
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=1000-", 1000, TEST_VIDEO.byteLength - 1],
    ["bytes=-10", TEST_VIDEO.byteLength - 10, TEST_VIDEO.byteLength - 1],
  ])("answers Range %s with 206 and exactly those bytes", async (range, start, end) => {
    const { status, headers, body } = await fetchFile(video.protectedFileId as string, buyer, { range });
    expect(status).toBe(206);
    expect(headers.get("content-range")).toBe(`bytes ${start}-${end}/${TEST_VIDEO.byteLength}`);
    expect(headers.get("content-length")).toBe(String(end - start + 1));
    expect(body).toEqual(TEST_VIDEO.subarray(start, end + 1));
  });

  it("answers a range past the end with 416", async () => {
    const { status, headers } = await fetchFile(video.protectedFileId as string, buyer, { range: `bytes=${TEST_VIDEO.byteLength}-` });
    expect(status).toBe(416);
    expect(headers.get("content-range")).toBe(`bytes */${TEST_VIDEO.byteLength}`);
  });

  it("refuses everyone without access with 403, signed out included", async () => {
    const fileId = video.protectedFileId as string;
    expect({
      signedOut: (await fetchFile(fileId, null)).status,
      otherMember: (await fetchFile(fileId, otherMember)).status,
      otherPerformer: (await fetchFile(fileId, otherPerformer)).status,
      planMemberOfAnotherPlan: (await fetchFile(fileId, planMember)).status,
    }).toEqual({ signedOut: 403, otherMember: 403, otherPerformer: 403, planMemberOfAnotherPlan: 403 });
    const refused = await fetchFile(fileId, otherMember);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect(new TextDecoder().decode(refused.body)).not.toContain("webm");
  });

  it("serves the owner, admins and members of the gating plan", async () => {
    expect((await fetchFile(video.protectedFileId as string, performer)).status).toBe(200);
    expect((await fetchFile(video.protectedFileId as string, admin)).status).toBe(200);
    const picture = gated.protectedFileId as string;
    expect((await fetchFile(picture, planMember)).status).toBe(200);
    expect((await fetchFile(picture, buyer)).status).toBe(403);
  });

  it("answers 404 for an id that names no file", async () => {
    expect((await fetchFile(randomUUID(), buyer)).status).toBe(404);
    expect((await fetchFile("not-an-id", buyer)).status).toBe(404);
  });
});

describe("GET /api/content/files/[fileId], teasers", () => {
  it("shows a published item's teaser to anyone, cacheable only privately", async () => {
    const { status, headers, body } = await fetchFile(video.teaserFileId, null);
    expect(status).toBe(200);
    expect(body).toEqual(TEST_IMAGE);
    expect(headers.get("content-type")).toBe("image/jpeg");
    expect(headers.get("cache-control")).toBe("private, max-age=300");
  });

  it("keeps a draft's teaser to its performer", async () => {
    const { id } = await createContentItem(performer.id, { kind: "VIDEO", title: "Soon", price: 5n });
    const teaser = await addContentFile(performer.id, { itemId: id, role: "TEASER", fileName: "soon.jpg", declaredType: "image/jpeg", data: TEST_IMAGE });
    expect((await fetchFile(teaser.id, null)).status).toBe(403);
    expect((await fetchFile(teaser.id, otherPerformer)).status).toBe(403);
    expect((await fetchFile(teaser.id, performer)).status).toBe(200);
    await addContentFile(performer.id, { itemId: id, role: "PROTECTED", fileName: "soon.webm", declaredType: "video/webm", data: TEST_VIDEO });
    await setContentStatus(performer.id, { itemId: id, status: "PUBLISHED" });
    expect((await fetchFile(teaser.id, null)).status).toBe(200);
  });
});
