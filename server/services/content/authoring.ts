import "server-only";
/** The performer's side of content: creating, editing, publishing and removing items, and their own lists. */
import type { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { publishProblem } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { removeStoredFiles } from "./files";
import {
  type CreateContentInput,
  type UpdateContentInput,
  contentItemRefSchema,
  createContentSchema,
  setContentStatusSchema,
  updateContentSchema,
} from "./inputs";
import {
  type OwnItemRow,
  assertPlanChoice,
  deleteItem,
  deleteItemFiles,
  fileCount,
  hasUnlocks,
  lockOwnItem,
  ownItemsWithSales,
  sellsRoomAccess,
  updateItemFields,
  updateItemStatus,
} from "./queries";
import { type OwnContentItem, type OwnContentSummary, type PlanChoice, contentFileUrl, filesOf } from "./views";

export async function createContentItem(performerId: string, input: CreateContentInput): Promise<{ id: string }> {
  const fields = createContentSchema.parse(input);
  await assertPlanChoice(pool, performerId, fields.planId, null);
  return prisma.contentItem.create({
    data: {
      performerId,
      kind: fields.kind,
      title: fields.title,
      description: fields.description,
      teaser: fields.teaser,
      body: fields.kind === "POST" ? fields.body : "",
      price: fields.price,
      planId: fields.planId,
      membersOnly: fields.membersOnly,
    },
    select: { id: true },
  });
}

export async function updateContentItem(performerId: string, input: UpdateContentInput): Promise<void> {
  const fields = updateContentSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, fields.itemId);
    await assertPlanChoice(db, performerId, fields.planId, item.plan_id);
    const body = item.kind === "POST" ? fields.body : "";
    if (item.status === "PUBLISHED") {
      const problem = publishProblem({ kind: item.kind, body, protectedFiles: await fileCount(db, item.id, "PROTECTED") });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem, { fieldErrors: { body: [problem] } });
    }
    await updateItemFields(db, item.id, {
      title: fields.title,
      description: fields.description,
      teaser: fields.teaser,
      body,
      price: fields.price,
      planId: fields.planId,
      membersOnly: fields.membersOnly,
    });
  });
}

export async function setContentStatus(performerId: string, input: z.input<typeof setContentStatusSchema>): Promise<void> {
  const { itemId: id, status } = setContentStatusSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, id);
    if (status === "PUBLISHED") {
      const problem = publishProblem({ kind: item.kind, body: item.body, protectedFiles: await fileCount(db, item.id, "PROTECTED") });
      if (problem) throw new DomainError("PRECONDITION_FAILED", problem);
    }
    await updateItemStatus(db, item.id, status);
  });
}

/** Only an item nobody bought and no room sells can go; a sold one is archived instead, so buyers keep it. */
export async function deleteContentItem(performerId: string, input: z.input<typeof contentItemRefSchema>): Promise<void> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const keys = await withTransaction(pool, async (db) => {
    const item = await lockOwnItem(db, performerId, id);
    if (await hasUnlocks(db, item.id)) throw new DomainError("CONFLICT", "Members have unlocked this item, so it stays for them; archive it instead.");
    if (await sellsRoomAccess(db, item.id)) throw new DomainError("CONFLICT", "Your room sells access through this item; change the room's access first.");
    const storageKeys = await deleteItemFiles(db, item.id);
    await deleteItem(db, item.id);
    return storageKeys;
  });
  await removeStoredFiles(keys);
}

function ownSummaryOf(row: OwnItemRow): OwnContentSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    price: BigInt(row.price),
    planName: row.plan_name,
    membersOnly: row.members_only,
    salesCount: row.sales_count,
    earned: BigInt(row.earned),
    teaserUrl: row.teaser_file_id ? contentFileUrl(row.teaser_file_id) : null,
    updatedAt: row.updated_at,
  };
}

/** The performer's items, drafts included, newest change first, with what each has sold. */
export async function listOwnContent(performerId: string): Promise<OwnContentSummary[]> {
  return (await ownItemsWithSales(pool, performerId)).map(ownSummaryOf);
}

export async function getOwnContentItem(performerId: string, input: z.input<typeof contentItemRefSchema>): Promise<OwnContentItem> {
  const { itemId: id } = contentItemRefSchema.parse(input);
  const [row] = await ownItemsWithSales(pool, performerId, id);
  if (!row) throw new DomainError("NOT_FOUND", "You have no item with that id.");
  const files = await filesOf(row.id);
  return {
    ...ownSummaryOf(row),
    description: row.description,
    teaser: row.teaser,
    body: row.body,
    planId: row.plan_id,
    files,
    publishProblem: publishProblem({ kind: row.kind, body: row.body, protectedFiles: files.filter((file) => file.role === "PROTECTED").length }),
  };
}

/** The plans a performer may gate content with: their own and the site's, active ones; their own first. */
export async function listPlanChoices(performerId: string): Promise<PlanChoice[]> {
  const plans = await prisma.membershipPlan.findMany({
    where: { active: true, OR: [{ performerId }, { performerId: null }] },
    orderBy: [{ performerId: { sort: "asc", nulls: "last" } }, { name: "asc" }],
    select: { id: true, name: true, performerId: true },
  });
  return plans.map((plan) => ({ id: plan.id, name: plan.name, site: plan.performerId === null }));
}
