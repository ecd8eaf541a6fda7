import "server-only";
import { createTRPCRouter, memberProcedure, performerProcedure } from "@/server/api/trpc";
import {
  currentSchema,
  currentShow,
  endShow,
  heartbeat,
  joinGroupShow,
  joinSchema,
  leaveShow,
  pauseMeter,
  requestPrivateSchema,
  requestPrivateShow,
  respondSchema,
  respondToRequest,
  resumeMeter,
  showHistory,
  showMeter,
  showSchema,
  startGroupSchema,
  startGroupShow,
  startMeter,
} from "@/server/services/shows";

/** Procedures open to any signed-in user check in the service which side of the show the caller is on. */
export const showsRouter = createTRPCRouter({
  requestPrivate: memberProcedure.input(requestPrivateSchema).mutation(({ ctx, input }) => requestPrivateShow(ctx.user, input)),

  respond: performerProcedure.input(respondSchema).mutation(({ ctx, input }) => respondToRequest(ctx.user, input)),

  startGroup: performerProcedure.input(startGroupSchema).mutation(({ ctx, input }) => startGroupShow(ctx.user, input)),

  join: memberProcedure.input(joinSchema).mutation(({ ctx, input }) => joinGroupShow(ctx.user, input)),

  leave: memberProcedure.input(showSchema).mutation(({ ctx, input }) => leaveShow(ctx.user, input)),

  end: memberProcedure.input(showSchema).mutation(({ ctx, input }) => endShow(ctx.user, input)),

  startMeter: performerProcedure.input(showSchema).mutation(({ ctx, input }) => startMeter(ctx.user, input)),

  pauseMeter: performerProcedure.input(showSchema).mutation(({ ctx, input }) => pauseMeter(ctx.user, input)),

  resumeMeter: performerProcedure.input(showSchema).mutation(({ ctx, input }) => resumeMeter(ctx.user, input)),

  heartbeat: memberProcedure.input(showSchema).mutation(({ ctx, input }) => heartbeat(ctx.user, input)),

  current: memberProcedure.input(currentSchema).query(({ ctx, input }) => currentShow(ctx.user, input)),

  meter: memberProcedure.input(showSchema).query(({ ctx, input }) => showMeter(ctx.user, input)),

  history: memberProcedure.query(({ ctx }) => showHistory(ctx.user)),
});
