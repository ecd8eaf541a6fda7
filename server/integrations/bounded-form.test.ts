import { describe, expect, it } from "vitest";
import { MULTIPART_OVERHEAD_BYTES, readBoundedForm } from "./bounded-form";

const LIMIT = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A request body sent without a Content-Length, chunk by chunk, counting what the reader pulled. */
function chunkedRequest(totalBytes: number | "endless", contentType = "multipart/form-data; boundary=x") {
  const pulled = { bytes: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (totalBytes !== "endless" && pulled.bytes >= totalBytes) {
        controller.close();
        return;
      }
      pulled.bytes += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK));
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
  const request = new Request("http://127.0.0.1/upload", { method: "POST", body, headers: { "content-type": contentType }, duplex: "half" } as RequestInit);
  return { request, pulled };
}

describe("readBoundedForm", () => {
  it("cuts off a body without a Content-Length once it passes the limit, instead of reading it whole", async () => {
    const { request, pulled } = chunkedRequest("endless");
    expect(request.headers.get("content-length")).toBeNull();

    expect(await readBoundedForm(request, LIMIT)).toEqual({ ok: false, reason: "too-large" });
    expect(pulled.cancelled).toBe(true);
    expect(pulled.bytes).toBeLessThanOrEqual(LIMIT + MULTIPART_OVERHEAD_BYTES + 2 * CHUNK);
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const request = new Request("http://127.0.0.1/upload", {
      method: "POST",
      body: new Uint8Array(16),
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(LIMIT + MULTIPART_OVERHEAD_BYTES + 1) },
    });
    expect(await readBoundedForm(request, LIMIT)).toEqual({ ok: false, reason: "too-large" });
    expect(request.bodyUsed).toBe(false);
  });

  it("reads a file within the limit, sent with or without a Content-Length", async () => {
    const form = new FormData();
    form.set("role", "TEASER");
    form.set("file", new File([new Uint8Array(LIMIT)], "teaser.jpg", { type: "image/jpeg" }));
    const encoded = new Request("http://127.0.0.1/upload", { method: "POST", body: form });
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const contentType = encoded.headers.get("content-type") ?? "";

    for (const request of [
      new Request("http://127.0.0.1/upload", { method: "POST", body: bytes, headers: { "content-type": contentType } }),
      new Request("http://127.0.0.1/upload", {
        method: "POST",
        body: new Blob([bytes]).stream(),
        headers: { "content-type": contentType },
        duplex: "half",
      } as RequestInit),
    ]) {
      const read = await readBoundedForm(request, LIMIT);
      expect(read.ok).toBe(true);
      const file = read.ok ? read.form.get("file") : null;
      expect(file).toBeInstanceOf(File);
      expect((file as File).size).toBe(LIMIT);
      expect(read.ok && read.form.get("role")).toBe("TEASER");
    }
  });

  it("says a body that is not a multipart form is unreadable", async () => {
    const { request } = chunkedRequest(CHUNK, "text/plain");
    expect(await readBoundedForm(request, LIMIT)).toEqual({ ok: false, reason: "unreadable" });
  });
});
