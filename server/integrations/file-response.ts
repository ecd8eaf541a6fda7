import "server-only";
import { Readable } from "node:stream";
import { contentRangeHeader, parseRangeHeader } from "@/server/domain/http-range";
import { fileStorage } from "./storage";

export interface StoredFileToServe {
  storageKey: string;
  fileName: string;
  mimeType: string;
  /** Protected files must not be kept by any cache, shared or not. */
  private: boolean;
}

/** RFC 6266: a plain ASCII fallback name plus the exact UTF-8 name, always shown inline rather than saved. */
function inlineDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Streams a stored file, honouring a single byte range (206) so video players can seek. The bytes were sniffed
 * on upload, and nosniff keeps the browser to the type given here.
 */
export async function storedFileResponse(request: Request, file: StoredFileToServe): Promise<Response> {
  const storage = fileStorage();
  const whole = await storage.open(file.storageKey);
  if (!whole) {
    console.error(`stored file ${file.storageKey} is missing`);
    return Response.json({ error: "This file is not available." }, { status: 404, headers: { "Cache-Control": "no-store" } });
  }
  const size = whole.sizeBytes;
  const headers = new Headers({
    "Content-Type": file.mimeType,
    "Content-Disposition": inlineDisposition(file.fileName),
    "Accept-Ranges": "bytes",
    "Cache-Control": file.private ? "private, no-store" : "private, max-age=300",
    "X-Content-Type-Options": "nosniff",
  });

  const wanted = parseRangeHeader(request.headers.get("range"), size);
  if (wanted.kind === "unsatisfiable") {
    whole.stream.destroy();
    headers.set("Content-Range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  if (wanted.kind === "whole") {
    headers.set("Content-Length", String(size));
    return new Response(toWebStream(whole.stream), { status: 200, headers });
  }
  whole.stream.destroy();
  const part = await storage.open(file.storageKey, wanted.range);
  if (!part) return Response.json({ error: "This file is not available." }, { status: 404, headers: { "Cache-Control": "no-store" } });
  headers.set("Content-Length", String(wanted.range.end - wanted.range.start + 1));
  headers.set("Content-Range", contentRangeHeader(wanted.range, size));
  return new Response(toWebStream(part.stream), { status: 206, headers });
}

function toWebStream(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}
