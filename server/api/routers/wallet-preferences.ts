import "server-only";
import { createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import { autoTopUpSchema, setActiveWalletSchema } from "@/server/domain/active-wallet";
import { clearAutoTopUp, setActiveWallet, setAutoTopUp, topUpNow, topUpNowSchema, walletPreferencesOf } from "@/server/services/wallet";

/** Which wallet pays in live rooms, its automatic top-up, and the room's Top up button; for any signed-in user. */
export const walletPreferencesRouter = createTRPCRouter({
  get: memberProcedure.query(({ ctx }) => walletPreferencesOf(ctx.user.id)),

  setActive: memberProcedure.input(setActiveWalletSchema).mutation(({ ctx, input }) => setActiveWallet(ctx.user.id, input)),

  setAutoTopUp: memberProcedure.input(autoTopUpSchema).mutation(({ ctx, input }) => setAutoTopUp(ctx.user.id, input)),

  clearAutoTopUp: memberProcedure.mutation(({ ctx }) => clearAutoTopUp(ctx.user.id)),

  topUpNow: memberProcedure.input(topUpNowSchema).mutation(({ ctx, input }) => topUpNow(ctx.user.id, input)),
});
