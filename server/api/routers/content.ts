import "server-only";
import { claimedProcedure, createTRPCRouter, memberProcedure, performerProcedure, publicProcedure } from "@/server/api/trpc";
import {
  contentFileRefSchema,
  contentItemRefSchema,
  createContentItem,
  createContentSchema,
  deleteContentFile,
  deleteContentItem,
  getContentItem,
  getOwnContentItem,
  listLibrary,
  listOwnContent,
  listPerformerContent,
  listPlanChoices,
  performerContentSchema,
  setContentStatus,
  setContentStatusSchema,
  unlockContentAsSession,
  unlockContentSchema,
  updateContentItem,
  updateContentSchema,
} from "@/server/services/content";

/** Paid content. Files are uploaded and served by route handlers under app/api/content/. */
export const contentRouter = createTRPCRouter({
  mine: performerProcedure.query(({ ctx }) => listOwnContent(ctx.user.id)),
  get: performerProcedure.input(contentItemRefSchema).query(({ ctx, input }) => getOwnContentItem(ctx.user.id, input)),
  planChoices: performerProcedure.query(({ ctx }) => listPlanChoices(ctx.user.id)),
  create: performerProcedure.input(createContentSchema).mutation(({ ctx, input }) => createContentItem(ctx.user.id, input)),
  update: performerProcedure.input(updateContentSchema).mutation(({ ctx, input }) => updateContentItem(ctx.user.id, input)),
  setStatus: performerProcedure.input(setContentStatusSchema).mutation(({ ctx, input }) => setContentStatus(ctx.user.id, input)),
  delete: performerProcedure.input(contentItemRefSchema).mutation(({ ctx, input }) => deleteContentItem(ctx.user.id, input)),
  deleteFile: performerProcedure.input(contentFileRefSchema).mutation(({ ctx, input }) => deleteContentFile(ctx.user.id, input)),

  byPerformer: publicProcedure.input(performerContentSchema).query(({ ctx, input }) => listPerformerContent(ctx.user, input)),
  item: publicProcedure.input(contentItemRefSchema).query(({ ctx, input }) => getContentItem(ctx.user, input)),
  // The unlock's own statement checks the session (unlockContentAsSession), so the request needs no query of its own.
  unlock: claimedProcedure.input(unlockContentSchema).mutation(({ ctx, input }) => unlockContentAsSession(ctx.claim, input)),
  library: memberProcedure.query(({ ctx }) => listLibrary(ctx.user)),
});
