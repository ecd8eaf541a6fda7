import "server-only";
/** Room for the multipart boundaries and part headers around the file itself. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export type BoundedForm = { ok: true; form: FormData } | { ok: false; reason: "too-large" | "unreadable" };

/**
 * Reads a multipart upload whose file may be at most `maxFileBytes`, never holding more than that (plus the
 * multipart overhead) in memory: a declared Content-Length over it is refused before reading, and a body sent
 * without one (chunked) is counted as it arrives and cut off once it passes the limit.
 */
export async function readBoundedForm(request: Request, maxFileBytes: number): Promise<BoundedForm> {
  const maxBodyBytes = maxFileBytes + MULTIPART_OVERHEAD_BYTES;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBodyBytes) return { ok: false, reason: "too-large" };
  if (!request.body) return { ok: false, reason: "unreadable" };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBodyBytes) {
      await reader.cancel();
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const form = await new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData().catch(() => null);
  return form ? { ok: true, form } : { ok: false, reason: "unreadable" };
}
