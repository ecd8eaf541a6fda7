import { sniffFileType } from "./file-type";

/**
 * What a digital store item's file may be. Images and video are recognised by the content sniffer
 * (server/domain/file-type.ts); documents, archives and audio, which only the store sells, by their own magic
 * bytes here. Anything else is refused, whatever its name or declared type says.
 */

export interface StoreFileType {
  mimeType: string;
  label: string;
}

const PDF: StoreFileType = { mimeType: "application/pdf", label: "PDF" };
const ZIP: StoreFileType = { mimeType: "application/zip", label: "ZIP archive" };
const MP3: StoreFileType = { mimeType: "audio/mpeg", label: "MP3 audio" };

const MEDIA_LABELS: Record<string, string> = {
  "image/jpeg": "JPEG image",
  "image/png": "PNG image",
  "image/gif": "GIF image",
  "image/webp": "WebP image",
  "video/mp4": "MP4 video",
  "video/webm": "WebM video",
};

/** What the upload form tells sellers. */
export const STORE_FILE_TYPES_HINT = "PDF, ZIP, MP3, JPEG, PNG, GIF, WebP, MP4 or WebM";

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

/** An MP3 starts with an ID3 tag or straight with an MPEG audio frame (11 sync bits, layer III). */
function isMp3(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0x49, 0x44, 0x33])) return true;
  const second = bytes[1] ?? 0;
  return bytes[0] === 0xff && (second & 0xe0) === 0xe0 && (second & 0x06) === 0x02;
}

export function sniffStoreFile(bytes: Uint8Array): StoreFileType | null {
  const media = sniffFileType(bytes);
  if (media) return { mimeType: media.mimeType, label: MEDIA_LABELS[media.mimeType] ?? media.mimeType };
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF;
  // A local file header; an empty archive (end-of-directory record only) has nothing to sell.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return ZIP;
  if (isMp3(bytes)) return MP3;
  return null;
}

const ALIASES: Record<string, string> = {
  "application/x-zip-compressed": "application/zip",
  "application/x-pdf": "application/pdf",
  "audio/mp3": "audio/mpeg",
  "image/jpg": "image/jpeg",
};

/** A declared type, when the browser sent one, must name what the bytes are; none (or octet-stream) claims nothing. */
export function declaredStoreTypeMatches(declared: string, sniffed: StoreFileType): boolean {
  const essence = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  if (essence === "" || essence === "application/octet-stream") return true;
  return (ALIASES[essence] ?? essence) === sniffed.mimeType;
}

/** A name safe to offer in Content-Disposition: no path, no control characters, not empty. */
export function safeDownloadName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base].filter((char) => char.charCodeAt(0) >= 0x20 && char !== '"').join("").trim().slice(0, 200);
  return cleaned || "download";
}
