import "server-only";
/** The member's side of content: a performer's items on sale, one item's page, and the member's library. */
import type { z } from "zod";
import { pool } from "@/server/db/client";
import { unlockRefusal } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { contentItemRefSchema, performerContentSchema } from "./inputs";
import { itemForViewer, libraryItems, performerItemsOnSale } from "./queries";
import { type ContentCard, type ContentItemView, type LibraryEntry, type Viewer, cardOf, filesOf, visibleTo } from "./views";

/** What a performer has on sale, newest first, with the viewer's access to each. */
export async function listPerformerContent(viewer: Viewer | null, input: z.input<typeof performerContentSchema>): Promise<ContentCard[]> {
  const { username } = performerContentSchema.parse(input);
  const rows = await performerItemsOnSale(pool, viewer?.id ?? null, username);
  return rows.filter((row) => visibleTo(row, viewer)).map((row) => cardOf(row, viewer));
}

export async function getContentItem(viewer: Viewer | null, input: z.input<typeof contentItemRefSchema>): Promise<ContentItemView> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const row = await itemForViewer(pool, viewer?.id ?? null, id);
  if (!row || !visibleTo(row, viewer)) throw new DomainError("NOT_FOUND", "This item does not exist or is not on sale.");
  const card = cardOf(row, viewer);
  const refusal = unlockRefusal({
    isOwner: viewer?.id === row.performer_id,
    isAdmin: viewer?.role === "ADMIN",
    unlocked: row.unlocked_at !== null,
    planAccess: row.plan_access,
    status: row.status,
    title: row.title,
    membersOnly: row.members_only,
    planName: row.plan_name,
  });
  return {
    ...card,
    description: row.description,
    body: card.access ? row.body : null,
    files: card.access ? await filesOf(row.id, "PROTECTED") : [],
    unlockRefusal: refusal?.message ?? null,
  };
}

/** What the member can open: everything they unlocked, and the items their memberships include now. */
export async function listLibrary(member: Viewer): Promise<LibraryEntry[]> {
  const rows = await libraryItems(pool, member.id);
  return rows
    .map((row) => ({ row, card: cardOf(row, member) }))
    .filter(({ card }) => card.access === "unlocked" || card.access === "membership")
    .map(({ row, card }) => ({ ...card, via: card.access === "unlocked" ? ("unlock" as const) : ("membership" as const), paid: row.paid === null ? null : BigInt(row.paid) }));
}
