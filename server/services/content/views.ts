import "server-only";
/** What content's use cases return, and how an item row becomes what a given viewer may see of it. */
import { prisma } from "@/server/db/client";
import { type ContentAccess, type ContentFileRole, type ContentKind, type ContentStatus, contentAccess } from "@/server/domain/content-rules";
import type { Role } from "@/server/generated/prisma/enums";
import type { ItemRow } from "./queries";

export interface Viewer {
  id: string;
  role: Role;
}

export interface ContentFileView {
  id: string;
  role: ContentFileRole;
  fileName: string;
  mimeType: string;
  sizeBytes: bigint;
  url: string;
}

export interface PlanChoice {
  id: string;
  name: string;
  /** A site-wide plan rather than the performer's own fan club. */
  site: boolean;
}

/** A row of the performer's own list. */
export interface OwnContentSummary {
  id: string;
  kind: ContentKind;
  status: ContentStatus;
  title: string;
  price: bigint;
  planName: string | null;
  membersOnly: boolean;
  salesCount: number;
  /** The performer's share of every unlock, at the rate each sale used. */
  earned: bigint;
  teaserUrl: string | null;
  updatedAt: Date;
}

export interface OwnContentItem extends OwnContentSummary {
  description: string;
  teaser: string;
  body: string;
  planId: string | null;
  files: ContentFileView[];
  publishProblem: string | null;
}

/** An item as a visitor sees it in lists: the public part, and what the viewer may do with it. */
export interface ContentCard {
  id: string;
  kind: ContentKind;
  status: ContentStatus;
  title: string;
  teaser: string;
  price: bigint;
  teaserUrl: string | null;
  membersOnly: boolean;
  planName: string | null;
  performer: { id: string; username: string; stageName: string };
  /** Why the viewer may open the protected part, or null. */
  access: ContentAccess | null;
  unlockedAt: Date | null;
}

export interface ContentItemView extends ContentCard {
  description: string;
  /** The post's text: only with access. */
  body: string | null;
  /** The protected files: only with access. */
  files: ContentFileView[];
  /** Why the viewer cannot unlock it (already has it, members only, not on sale), or null when they can. */
  unlockRefusal: string | null;
}

export interface LibraryEntry extends ContentCard {
  /** Bought, or included in one of the member's memberships. */
  via: "unlock" | "membership";
  paid: bigint | null;
}

/** Files leave only through app/api/content/files/[fileId], which asks fileForViewer() first. */
export function contentFileUrl(fileId: string): string {
  return `/api/content/files/${fileId}`;
}

export function accessOf(row: ItemRow, viewer: Viewer | null): ContentAccess | null {
  return contentAccess({
    isOwner: viewer?.id === row.performer_id,
    isAdmin: viewer?.role === "ADMIN",
    unlocked: row.unlocked_at !== null,
    planAccess: row.plan_access,
    status: row.status,
  });
}

export function cardOf(row: ItemRow, viewer: Viewer | null): ContentCard {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    teaser: row.teaser,
    price: BigInt(row.price),
    teaserUrl: row.teaser_file_id ? contentFileUrl(row.teaser_file_id) : null,
    membersOnly: row.members_only,
    planName: row.plan_name,
    performer: { id: row.performer_id, username: row.username, stageName: row.stage_name ?? row.username },
    access: accessOf(row, viewer),
    unlockedAt: row.unlocked_at,
  };
}

/** Whether the viewer may see the item's page at all: on sale from a visible performer, or theirs to open. */
export function visibleTo(row: ItemRow, viewer: Viewer | null): boolean {
  return (row.status === "PUBLISHED" && row.performer_visible) || accessOf(row, viewer) !== null;
}

export function fileViewOf(file: { id: string; role: ContentFileRole; fileName: string; mimeType: string; sizeBytes: bigint }): ContentFileView {
  return { id: file.id, role: file.role, fileName: file.fileName, mimeType: file.mimeType, sizeBytes: file.sizeBytes, url: contentFileUrl(file.id) };
}

/** The item's files (of one role, if given): teasers first, each role in upload order. */
export async function filesOf(itemId: string, role?: ContentFileRole): Promise<ContentFileView[]> {
  const files = await prisma.contentFile.findMany({
    where: { itemId, role },
    orderBy: [{ role: "asc" }, { sortOrder: "asc" }, { createdAt: "asc" }],
    select: { id: true, role: true, fileName: true, mimeType: true, sizeBytes: true },
  });
  return files.map(fileViewOf);
}
