import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/content/items/[itemId]/files/route";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { env } from "@/server/env";
import { sessionCookie } from "@/server/testing/session-cookie";
import { createContentItem } from "@/server/services/content";
import { TEST_IMAGE, TEST_VIDEO } from "@/server/testing/content";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

/** A limit just above the test video, so "too large" needs only a small body. */
vi.hoisted(() => {
  process.env.STORAGE_DIR = `.tmp/test-uploads-upload-route-${process.pid}-${Date.now()}`;
  process.env.MAX_UPLOAD_BYTES = "150000";
});

let admin: SessionUser;
let performer: SessionUser;
let otherPerformer: SessionUser;
let member: SessionUser;
let videoItem: string;

async function upload(itemId: string, as: SessionUser | null, file: { data: Uint8Array<ArrayBuffer>; name: string; type: string }, role = "PROTECTED") {
  const form = new FormData();
  form.set("role", role);
  form.set("file", new File([file.data], file.name, { type: file.type }));
  const headers = new Headers();
  if (as) headers.set("cookie", await sessionCookie(as));
  const request = new NextRequest(`http://127.0.0.1:3000/api/content/items/${itemId}/files`, { method: "POST", headers, body: form });
  const response = await POST(request, { params: Promise.resolve({ itemId }) });
  return { status: response.status, body: (await response.json()) as { error?: string; file?: { id: string; mimeType: string; sizeBytes: string } } };
}

const webm = { data: TEST_VIDEO, name: "clip.webm", type: "video/webm" };

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Uploader");
  otherPerformer = await makePerformer(admin, "Intruder");
  member = await makeMember();
  videoItem = (await createContentItem(performer.id, { kind: "VIDEO", title: "Upload me", price: 5n })).id;
});

afterAll(async () => {
  await closeDb();
  await rm(path.resolve(env.STORAGE_DIR), { recursive: true, force: true });
});

describe("POST /api/content/items/[itemId]/files", () => {
  it("stores the owner's file under an opaque key and answers 201", async () => {
    const { status, body } = await upload(videoItem, performer, webm);
    expect(status).toBe(201);
    expect(body.file).toMatchObject({ mimeType: "video/webm", sizeBytes: String(TEST_VIDEO.byteLength) });
    const { rows } = await pool.query<{ storage_key: string; file_name: string }>("SELECT storage_key, file_name FROM content_files WHERE id = $1", [body.file?.id]);
    expect(rows[0]?.file_name).toBe("clip.webm");
    expect(rows[0]?.storage_key).toMatch(/^content\/[0-9a-f-]{36}$/);
    expect(existsSync(path.resolve(env.STORAGE_DIR, rows[0]?.storage_key ?? ""))).toBe(true);
  });

  it.each([
    ["a declared type the bytes contradict", { data: TEST_IMAGE, name: "photo.png", type: "image/png" }, "TEASER", 415, "The file says it is image/png but its contents are image/jpeg."],
    ["a file that is no accepted media", { data: new TextEncoder().encode("<svg onload=alert(1)>"), name: "x.jpg", type: "image/jpeg" }, "TEASER", 415, "This file is not a supported video (MP4, WebM) or image (JPEG, PNG, GIF, WebP)."],
    ["a video as the teaser", webm, "TEASER", 415, "A teaser must be an image (JPEG, PNG, GIF or WebP)."],
    ["a second video", webm, "PROTECTED", 409, "This item already has its file; delete it to upload another."],
    ["a file over the size limit", { data: new Uint8Array(150_001).fill(0xff), name: "big.jpg", type: "image/jpeg" }, "TEASER", 413, "A file may be at most 146 KB."],
    ["an unknown role", { data: TEST_IMAGE, name: "a.jpg", type: "image/jpeg" }, "COVER", 400, "Say whether the file is the teaser or protected content."],
  ])("refuses %s", async (_name, file, role, status, error) => {
    const before = await pool.query("SELECT id FROM content_files WHERE item_id = $1", [videoItem]);
    expect(await upload(videoItem, performer, file, role)).toEqual({ status, body: { error } });
    expect((await pool.query("SELECT id FROM content_files WHERE item_id = $1", [videoItem])).rows).toEqual(before.rows);
  });

  it("refuses anyone but the item's performer", async () => {
    const teaser = { data: TEST_IMAGE, name: "t.jpg", type: "image/jpeg" };
    expect({
      signedOut: (await upload(videoItem, null, teaser, "TEASER")).status,
      member: (await upload(videoItem, member, teaser, "TEASER")).status,
      admin: (await upload(videoItem, admin, teaser, "TEASER")).status,
      otherPerformer: (await upload(videoItem, otherPerformer, teaser, "TEASER")).status,
    }).toEqual({ signedOut: 401, member: 403, admin: 403, otherPerformer: 404 });
  });

  it("answers a body that is not a form with 400", async () => {
    const headers = new Headers({ cookie: await sessionCookie(performer), "content-type": "application/json" });
    const request = new NextRequest(`http://127.0.0.1:3000/api/content/items/${videoItem}/files`, { method: "POST", headers, body: "{}" });
    const response = await POST(request, { params: Promise.resolve({ itemId: videoItem }) });
    expect(response.status).toBe(400);
  });
});
