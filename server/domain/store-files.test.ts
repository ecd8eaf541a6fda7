import { describe, expect, it } from "vitest";
import { declaredStoreTypeMatches, safeDownloadName, sniffStoreFile } from "./store-files";

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((value) => (typeof value === "string" ? [...value].map((char) => char.charCodeAt(0)) : [value])));

describe("sniffStoreFile", () => {
  it.each([
    ["a PDF", bytes("%PDF-1.7\n"), "application/pdf"],
    ["a ZIP archive", bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00), "application/zip"],
    ["an MP3 with an ID3 tag", bytes("ID3", 0x04, 0x00), "audio/mpeg"],
    ["an MP3 starting with a frame", bytes(0xff, 0xfb, 0x90, 0x64), "audio/mpeg"],
    ["a PNG", bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), "image/png"],
    ["a JPEG", bytes(0xff, 0xd8, 0xff, 0xe0), "image/jpeg"],
  ])("recognises %s", (_what, file, mimeType) => {
    expect(sniffStoreFile(file)?.mimeType).toBe(mimeType);
  });

  it.each([
    ["HTML", bytes("<!doctype html><script>")],
    ["a shell script", bytes("#!/bin/sh\nrm -rf /")],
    ["an empty ZIP (end record only)", bytes(0x50, 0x4b, 0x05, 0x06)],
    ["an MPEG layer II frame", bytes(0xff, 0xfd, 0x90)],
    ["nothing", bytes()],
  ])("refuses %s", (_what, file) => {
    expect(sniffStoreFile(file)).toBeNull();
  });
});

describe("declaredStoreTypeMatches", () => {
  const pdf = { mimeType: "application/pdf", label: "PDF" };
  it.each([
    ["", true],
    ["application/octet-stream", true],
    ["application/pdf", true],
    ["Application/PDF; charset=binary", true],
    ["application/x-pdf", true],
    ["text/html", false],
    ["image/png", false],
  ])("%j for a PDF: %s", (declared, matches) => {
    expect(declaredStoreTypeMatches(declared, pdf)).toBe(matches);
  });
});

describe("safeDownloadName", () => {
  it.each([
    ["wallpapers.zip", "wallpapers.zip"],
    ["C:\\Users\\luna\\setlist.pdf", "setlist.pdf"],
    ["../../etc/passwd", "passwd"],
    ['say "hi".pdf', "say hi.pdf"],
    ["line\nbreak.pdf", "linebreak.pdf"],
    ["", "download"],
  ])("%j -> %j", (name, safe) => {
    expect(safeDownloadName(name)).toBe(safe);
  });
});
