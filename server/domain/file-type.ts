/**
 * What an uploaded file really is, read from its first bytes. The name and the browser's declared type are only
 * claims; a file is stored only when its bytes say it is one of the media types below, and a declared type that
 * names a different type is refused as well, so nothing served back to a browser is mislabelled.
 */

export type MediaKind = "video" | "image";

export interface SniffedType {
  mimeType: string;
  kind: MediaKind;
}

/** How many leading bytes the sniffers look at; callers may pass more. */
export const SNIFF_BYTES = 64;

const MP4: SniffedType = { mimeType: "video/mp4", kind: "video" };
const WEBM: SniffedType = { mimeType: "video/webm", kind: "video" };
const JPEG: SniffedType = { mimeType: "image/jpeg", kind: "image" };
const PNG: SniffedType = { mimeType: "image/png", kind: "image" };
const GIF: SniffedType = { mimeType: "image/gif", kind: "image" };
const WEBP: SniffedType = { mimeType: "image/webp", kind: "image" };

/**
 * Major brands of the ISO base media files browsers play as MP4. HEIC/AVIF images and QuickTime movies share
 * the `ftyp` box but are not MP4 video, so their brands are not here.
 */
const MP4_BRANDS = new Set(["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash", "mmp4", "MSNV"]);

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  if (bytes.length < start + length) return "";
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/**
 * A WebM file is an EBML document whose DocType element (id 0x4282) says "webm"; Matroska files share the EBML
 * header with DocType "matroska" and are refused.
 */
function isWebm(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return false;
  const head = bytes.subarray(0, SNIFF_BYTES);
  for (let index = 4; index + 2 < head.length; index++) {
    if (head[index] !== 0x42 || head[index + 1] !== 0x82) continue;
    const sizeByte = head[index + 2] ?? 0;
    // One-byte EBML size: the high bit set, the low seven bits the length.
    if ((sizeByte & 0x80) === 0) return false;
    return ascii(head, index + 3, sizeByte & 0x7f) === "webm";
  }
  return false;
}

export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return GIF;
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return WEBP;
  if (ascii(bytes, 4, 4) === "ftyp" && MP4_BRANDS.has(ascii(bytes, 8, 4))) return MP4;
  if (isWebm(bytes)) return WEBM;
  return null;
}

/** Other names browsers and tools use for the same types. */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "video/x-m4v": "video/mp4",
};

/**
 * Whether the type the uploader declared agrees with the bytes. No declared type (an empty string, or the
 * generic application/octet-stream some clients send) claims nothing, so it agrees.
 */
export function declaredTypeMatches(declared: string, sniffed: SniffedType): boolean {
  const essence = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  if (essence === "" || essence === "application/octet-stream") return true;
  return (ALIASES[essence] ?? essence) === sniffed.mimeType;
}

export const ACCEPTED_MIME_TYPES: Record<MediaKind, readonly string[]> = {
  video: [MP4.mimeType, WEBM.mimeType],
  image: [JPEG.mimeType, PNG.mimeType, GIF.mimeType, WEBP.mimeType],
};
