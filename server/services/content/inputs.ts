import "server-only";
/** The inputs of content's use cases, checked at the API edge and again by each use case. */
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { walletChoiceSchema } from "@/server/domain/wallet-spending";
import { CONTENT_KINDS, CONTENT_STATUSES, MEMBERS_ONLY_NEEDS_PLAN, contentFieldsSchema, membersOnlyProblem } from "@/server/domain/content-rules";

export const itemIdSchema = z.uuid("That item does not exist.");

export const createContentSchema = contentFieldsSchema
  .extend({ kind: z.enum(CONTENT_KINDS, "Choose what kind of item this is.") })
  .refine((input) => membersOnlyProblem(input) === null, { message: MEMBERS_ONLY_NEEDS_PLAN, path: ["planId"] });
export type CreateContentInput = z.input<typeof createContentSchema>;

export const updateContentSchema = contentFieldsSchema
  .extend({ itemId: itemIdSchema })
  .refine((input) => membersOnlyProblem(input) === null, { message: MEMBERS_ONLY_NEEDS_PLAN, path: ["planId"] });
export type UpdateContentInput = z.input<typeof updateContentSchema>;

export const setContentStatusSchema = z.object({
  itemId: itemIdSchema,
  status: z.enum(CONTENT_STATUSES),
});

export const contentItemRefSchema = z.object({ itemId: itemIdSchema });
export const contentFileRefSchema = z.object({ fileId: z.uuid("That file does not exist.") });
export const performerContentSchema = z.object({ username: z.string().trim().min(1).max(64) });

export const unlockContentSchema = z.object({
  itemId: itemIdSchema,
  idempotencyKey: z.uuid(),
  /** The price the member saw and confirmed; a price changed meanwhile is refused rather than charged. */
  expectedPrice: storableBigint(z.bigint().nonnegative()).optional(),
  /** The wallet that pays; Credits when omitted. */
  walletTypeId: walletChoiceSchema,
});
export type UnlockContentInput = z.input<typeof unlockContentSchema>;
