import { z } from "zod";
import type { DomainErrorCode } from "./errors";
import type { MediaKind } from "./file-type";

/**
 * Rules for paid content: what a performer may price, write and upload for each kind of item, and when an item
 * is complete enough to go on sale. Pure, so the browser forms and the server say the same thing.
 */

export const CONTENT_KINDS = ["VIDEO", "PICTURES", "POST", "ROOM_ACCESS"] as const;
export const CONTENT_STATUSES = ["DRAFT", "PUBLISHED", "ARCHIVED"] as const;
export const CONTENT_FILE_ROLES = ["TEASER", "PROTECTED"] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];
export type ContentStatus = (typeof CONTENT_STATUSES)[number];
export type ContentFileRole = (typeof CONTENT_FILE_ROLES)[number];

/** The most one item may cost; a typo such as an extra zero stays within what a member could mean to pay. */
export const MAX_CONTENT_PRICE = 50_000n;
export const MAX_TITLE_LENGTH = 120;
export const MAX_DESCRIPTION_LENGTH = 2_000;
export const MAX_TEASER_LENGTH = 500;
export const MAX_BODY_LENGTH = 20_000;
export const MAX_FILE_NAME_LENGTH = 200;

export const contentPriceSchema = z
  .bigint({ error: "Enter a price in whole credits." })
  .min(1n, "A price is at least 1 credit.")
  .max(MAX_CONTENT_PRICE, `A price is at most ${MAX_CONTENT_PRICE.toLocaleString("en")} credits.`);

export const contentFieldsSchema = z.object({
  title: z.string().trim().min(1, "Give the item a title.").max(MAX_TITLE_LENGTH, `A title is at most ${MAX_TITLE_LENGTH} characters.`),
  description: z.string().trim().max(MAX_DESCRIPTION_LENGTH, `A description is at most ${MAX_DESCRIPTION_LENGTH} characters.`).default(""),
  teaser: z.string().trim().max(MAX_TEASER_LENGTH, `A teaser is at most ${MAX_TEASER_LENGTH} characters.`).default(""),
  body: z.string().trim().max(MAX_BODY_LENGTH, `A post is at most ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`).default(""),
  price: contentPriceSchema,
  planId: z.uuid("Choose a plan from the list.").nullable().default(null),
  membersOnly: z.boolean().default(false),
});

export const MEMBERS_ONLY_NEEDS_PLAN = "Choose the plan whose members may get this item.";

/** A members-only item with no plan could never be bought by anyone. */
export function membersOnlyProblem(fields: { planId: string | null; membersOnly: boolean }): string | null {
  return fields.membersOnly && !fields.planId ? MEMBERS_ONLY_NEEDS_PLAN : null;
}

export interface UploadRule {
  /** The kinds of media this slot takes; empty when the item has no such files. */
  accepts: readonly MediaKind[];
  maxFiles: number;
}

const NO_FILES: UploadRule = { accepts: [], maxFiles: 0 };

/** One public teaser image per item, whatever its kind. */
const TEASER_RULE: UploadRule = { accepts: ["image"], maxFiles: 1 };

const PROTECTED_RULES: Record<ContentKind, UploadRule> = {
  VIDEO: { accepts: ["video"], maxFiles: 1 },
  PICTURES: { accepts: ["image"], maxFiles: 50 },
  POST: { accepts: ["image"], maxFiles: 10 },
  // Paid room access is the room itself; there is nothing to download.
  ROOM_ACCESS: NO_FILES,
};

export function uploadRule(kind: ContentKind, role: ContentFileRole): UploadRule {
  return role === "TEASER" ? TEASER_RULE : PROTECTED_RULES[kind];
}

const MEDIA_NAMES: Record<MediaKind, string> = { video: "a video (MP4 or WebM)", image: "an image (JPEG, PNG, GIF or WebP)" };

/** Why this file may not join the item, or null when it may. `existing` counts the files already in the slot. */
export function uploadProblem(kind: ContentKind, role: ContentFileRole, media: MediaKind, existing: number): string | null {
  const rule = uploadRule(kind, role);
  if (rule.accepts.length === 0) return "This kind of item has no files to upload.";
  if (!rule.accepts.includes(media)) {
    const wanted = rule.accepts.map((accepted) => MEDIA_NAMES[accepted]).join(" or ");
    return role === "TEASER" ? `A teaser must be ${wanted}.` : `This item takes ${wanted}.`;
  }
  // The teaser slot replaces its image, so it never counts as full.
  if (role === "PROTECTED" && existing >= rule.maxFiles) {
    return rule.maxFiles === 1 ? "This item already has its file; delete it to upload another." : `An item holds at most ${rule.maxFiles} files.`;
  }
  return null;
}

/** Why the item cannot be published yet, or null when it can. */
export function publishProblem(item: { kind: ContentKind; body: string; protectedFiles: number }): string | null {
  switch (item.kind) {
    case "VIDEO":
      return item.protectedFiles > 0 ? null : "Upload the video before publishing.";
    case "PICTURES":
      return item.protectedFiles > 0 ? null : "Upload at least one picture before publishing.";
    case "POST":
      return item.body.trim() ? null : "Write the post before publishing.";
    case "ROOM_ACCESS":
      return null;
  }
}

/** Whether deleting one of the item's protected files would leave a published item with nothing to sell. */
export function removalProblem(item: { kind: ContentKind; status: ContentStatus; protectedFiles: number }): string | null {
  if (item.status !== "PUBLISHED" || item.protectedFiles > 1 || item.kind === "POST") return null;
  return "This is the item's last file while it is on sale; move the item back to draft first.";
}

/** Why a viewer may open an item's protected part. */
export type ContentAccess = "owner" | "admin" | "unlocked" | "membership";

export interface AccessFacts {
  isOwner: boolean;
  isAdmin: boolean;
  unlocked: boolean;
  /** The viewer's membership of the item's plan grants access now. */
  planAccess: boolean;
  status: ContentStatus;
}

/**
 * Who gets the protected part: the performer, admins, and anyone who unlocked it (an unlock is kept whatever
 * happens to the item later). Members of the item's plan get it while the item is on sale; an archived item
 * is withdrawn from the plan's perks too.
 */
export function contentAccess(facts: AccessFacts): ContentAccess | null {
  if (facts.isOwner) return "owner";
  if (facts.isAdmin) return "admin";
  if (facts.unlocked) return "unlocked";
  if (facts.planAccess && facts.status === "PUBLISHED") return "membership";
  return null;
}

export interface UnlockRefusal {
  code: DomainErrorCode;
  message: string;
}

/** Why the viewer cannot unlock the item, or null when they can pay for it. */
export function unlockRefusal(
  facts: AccessFacts & { title: string; membersOnly: boolean; planName: string | null },
): UnlockRefusal | null {
  switch (contentAccess(facts)) {
    case "owner":
      return { code: "FORBIDDEN", message: "This is your own item." };
    case "admin":
      return { code: "FORBIDDEN", message: "Administrators can open every item without buying it." };
    case "unlocked":
      return { code: "CONFLICT", message: `You already unlocked “${facts.title}”; it is in your library.` };
    case "membership":
      return { code: "CONFLICT", message: `“${facts.title}” comes with your ${facts.planName ?? "membership"} membership, so there is nothing to pay.` };
    case null:
      break;
  }
  if (facts.status !== "PUBLISHED") return { code: "PRECONDITION_FAILED", message: `“${facts.title}” is not on sale.` };
  if (facts.membersOnly) {
    return { code: "FORBIDDEN", message: `Only members of ${facts.planName ?? "the performer's plan"} can get “${facts.title}”.` };
  }
  return null;
}

/** A file name as shown and offered back for download: no folders, no control characters, a sane length. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base].filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f).join("").trim();
  return (cleaned || "file").slice(0, MAX_FILE_NAME_LENGTH);
}

/** 1536 -> "1.5 KB"; sizes people read, in powers of 1024. */
export function formatByteSize(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${shown} ${units[unit]}`;
}
