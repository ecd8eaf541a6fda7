/**
 * The byte range a request's `Range` header asks for (RFC 9110 section 14), so a video player can seek without
 * downloading the whole file. Only a single range is served; a list of ranges is answered with the whole file,
 * which the RFC allows.
 */

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export type RangeRequest =
  | { kind: "whole" }
  | { kind: "partial"; range: ByteRange }
  /** Answered with 416 and `Content-Range: bytes *\/size`. */
  | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRangeHeader(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "whole" };
  const match = SINGLE_RANGE.exec(header.trim());
  // Another unit or several ranges: ignoring the header and sending everything is always correct.
  if (!match) return { kind: "whole" };
  const [, firstText = "", lastText = ""] = match;
  if (firstText === "" && lastText === "") return { kind: "whole" };

  if (firstText === "") {
    // "bytes=-N": the last N bytes.
    const suffix = Number(lastText);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(size - suffix, 0), end: size - 1 } };
  }
  const start = Number(firstText);
  if (start >= size) return { kind: "unsatisfiable" };
  const end = lastText === "" ? size - 1 : Math.min(Number(lastText), size - 1);
  if (end < start) return { kind: "whole" };
  return { kind: "partial", range: { start, end } };
}

export function contentRangeHeader(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
