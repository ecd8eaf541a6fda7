import "server-only";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import {
  getAdminOverview,
  listApplications,
  reactivateUser,
  reactivateUserSchema,
  reviewApplication,
  reviewApplicationSchema,
  suspendUser,
  suspendUserSchema,
} from "@/server/services/accounts";

export const adminRouter = createTRPCRouter({
  overview: adminProcedure.query(({ ctx }) => getAdminOverview(ctx.user)),

  users: createTRPCRouter({
    suspend: adminProcedure.input(suspendUserSchema).mutation(async ({ ctx, input }) => {
      await suspendUser(ctx.user, input);
    }),
    reactivate: adminProcedure.input(reactivateUserSchema).mutation(async ({ ctx, input }) => {
      await reactivateUser(ctx.user, input);
    }),
  }),

  applications: createTRPCRouter({
    list: adminProcedure.query(({ ctx }) => listApplications(ctx.user)),
    review: adminProcedure.input(reviewApplicationSchema).mutation(async ({ ctx, input }) => {
      await reviewApplication(ctx.user, input);
    }),
  }),
});
