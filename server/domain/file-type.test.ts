import { describe, expect, it } from "vitest";
import { declaredTypeMatches, sniffFileType } from "./file-type";

const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...part].map((char) => char.charCodeAt(0)) : part)));

/** An ISO BMFF file: box size, "ftyp", major brand, minor version, a compatible brand. */
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], "ftyp", brand, [0, 0, 2, 0], "isom");

/** An EBML header whose DocType element (0x4282, size 0x84 / 0x88) names the document type. */
const ebml = (docType: string) => bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length], docType);

describe("sniffFileType", () => {
  it.each([
    ["JPEG (JFIF)", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF"), "image/jpeg"],
    ["JPEG (Exif)", bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], "Exif"), "image/jpeg"],
    ["PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR"), "image/png"],
    ["GIF87a", bytes("GIF87a", [1, 0, 1, 0]), "image/gif"],
    ["GIF89a", bytes("GIF89a", [1, 0, 1, 0]), "image/gif"],
    ["WebP", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "image/webp"],
    ["MP4 isom", ftyp("isom"), "video/mp4"],
    ["MP4 mp42", ftyp("mp42"), "video/mp4"],
    ["MP4 avc1", ftyp("avc1"), "video/mp4"],
    ["M4V", ftyp("M4V "), "video/mp4"],
    ["WebM", ebml("webm"), "video/webm"],
  ])("recognises %s", (_name, head, mimeType) => {
    expect(sniffFileType(head)?.mimeType).toBe(mimeType);
  });

  it.each([
    ["an empty file", bytes()],
    ["plain text", bytes("hello, this is not a picture")],
    ["HTML", bytes("<!doctype html><script>alert(1)</script>")],
    ["SVG", bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["PDF", bytes("%PDF-1.7")],
    ["a ZIP archive", bytes([0x50, 0x4b, 0x03, 0x04])],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e, 0x47])],
    ["a RIFF that is not WebP (WAV)", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt ")],
    ["a HEIC image (ftyp heic)", ftyp("heic")],
    ["an AVIF image (ftyp avif)", ftyp("avif")],
    ["a QuickTime movie (ftyp qt)", ftyp("qt  ")],
    ["a Matroska file", ebml("matroska")],
    ["an EBML header with no DocType", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x86, 0x81, 0x01])],
    ["a JPEG signature too short", bytes([0xff, 0xd8])],
  ])("refuses %s", (_name, head) => {
    expect(sniffFileType(head)).toBeNull();
  });

  it("says what kind of media each type is", () => {
    expect(sniffFileType(ebml("webm"))?.kind).toBe("video");
    expect(sniffFileType(bytes("GIF89a"))?.kind).toBe("image");
  });
});

describe("declaredTypeMatches", () => {
  const jpeg = { mimeType: "image/jpeg", kind: "image" } as const;
  const webm = { mimeType: "video/webm", kind: "video" } as const;
  it.each([
    ["image/jpeg", jpeg, true],
    ["IMAGE/JPEG", jpeg, true],
    ["image/jpg", jpeg, true],
    ["image/pjpeg", jpeg, true],
    ["", jpeg, true],
    ["application/octet-stream", jpeg, true],
    ["video/webm;codecs=vp8", webm, true],
    ["image/png", jpeg, false],
    ["video/mp4", webm, false],
    ["text/html", jpeg, false],
    ["image/svg+xml", jpeg, false],
  ] as const)("%s for %s: %s", (declared, sniffed, expected) => {
    expect(declaredTypeMatches(declared, sniffed)).toBe(expected);
  });
});
