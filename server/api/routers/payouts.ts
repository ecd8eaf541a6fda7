import "server-only";
import { adminProcedure, createTRPCRouter, memberProcedure, performerProcedure } from "@/server/api/trpc";
import { adminPayoutProfile, approveWithdrawal, approveWithdrawals, bulkIdsSchema, bulkRejectSchema, cancelWithdrawal, getMyPayoutProfile, getPayoutConfiguration, listMyWithdrawals, markPaidSchema, markWithdrawalPaid, payoutRateSchema, pendingWithdrawalCount, performerIdSchema, rejectWithdrawal, rejectWithdrawals, rejectWithdrawalSchema, removePayoutRate, removePayoutRateSchema, requestWithdrawal, requestWithdrawalSchema, retryStripePayout, revealPayoutProfile, revealWithdrawalDetails, savePayoutField, savePayoutProfile, setMethodTerms, setPayoutRate, startStripeOnboarding, stripeAccountStatus, stripeOnboardingSchema, withdrawalFiltersSchema, withdrawalIdSchema, withdrawalOverview, withdrawalQueue, withdrawMethod, withdrawMethodSchema } from "@/server/services/payouts";
import { savePayoutProfileSchema } from "@/server/domain/payouts";
import { methodTermsSchema, payoutFieldSchema } from "@/server/domain/payout-settings";

export const payoutsRouter = createTRPCRouter({
  /** Admin configuration: profile fields, rates per currency, fee and limits per method (the policy is settings.set "payouts"). */
  settings: createTRPCRouter({
    get: adminProcedure.query(() => getPayoutConfiguration({ includeInactiveFields: true })),
    saveField: adminProcedure.input(payoutFieldSchema).mutation(({ ctx, input }) => savePayoutField(ctx.user.id, input)),
    setRate: adminProcedure.input(payoutRateSchema).mutation(({ ctx, input }) => setPayoutRate(ctx.user.id, input)),
    removeRate: adminProcedure.input(removePayoutRateSchema).mutation(({ ctx, input }) => removePayoutRate(ctx.user.id, input)),
    setMethod: adminProcedure.input(methodTermsSchema).mutation(({ ctx, input }) => setMethodTerms(ctx.user.id, input)),
    removeMethod: adminProcedure.input(withdrawMethodSchema).mutation(({ ctx, input }) => withdrawMethod(ctx.user.id, input)),
  }),

  /** The signed-in performer's (or applicant's) own payout profile. */
  profile: createTRPCRouter({
    get: memberProcedure.query(({ ctx }) => getMyPayoutProfile(ctx.user.id)),
    save: memberProcedure.input(savePayoutProfileSchema).mutation(({ ctx, input }) => savePayoutProfile(ctx.user.id, input)),
    startStripeOnboarding: memberProcedure.input(stripeOnboardingSchema).mutation(({ ctx, input }) => startStripeOnboarding(ctx.user.id, input)),
    stripeStatus: memberProcedure.query(({ ctx }) => stripeAccountStatus(ctx.user.id)),
  }),

  /** The signed-in performer's withdrawals. */
  withdrawals: createTRPCRouter({
    overview: performerProcedure.query(({ ctx }) => withdrawalOverview(ctx.user.id)),
    list: performerProcedure.query(({ ctx }) => listMyWithdrawals(ctx.user.id)),
    request: performerProcedure.input(requestWithdrawalSchema).mutation(({ ctx, input }) => requestWithdrawal(ctx.user.id, input)),
    cancel: performerProcedure.input(withdrawalIdSchema).mutation(({ ctx, input }) => cancelWithdrawal(ctx.user.id, input)),
  }),

  /** The admin queue. */
  admin: createTRPCRouter({
    queue: adminProcedure.input(withdrawalFiltersSchema).query(({ input }) => withdrawalQueue(input)),
    pendingCount: adminProcedure.query(() => pendingWithdrawalCount()),
    revealDetails: adminProcedure.input(withdrawalIdSchema).mutation(({ ctx, input }) => revealWithdrawalDetails(ctx.user.id, input)),
    approve: adminProcedure.input(withdrawalIdSchema).mutation(({ ctx, input }) => approveWithdrawal(ctx.user.id, input)),
    approveMany: adminProcedure.input(bulkIdsSchema).mutation(({ ctx, input }) => approveWithdrawals(ctx.user.id, input)),
    reject: adminProcedure.input(rejectWithdrawalSchema).mutation(({ ctx, input }) => rejectWithdrawal(ctx.user.id, input)),
    rejectMany: adminProcedure.input(bulkRejectSchema).mutation(({ ctx, input }) => rejectWithdrawals(ctx.user.id, input)),
    markPaid: adminProcedure.input(markPaidSchema).mutation(({ ctx, input }) => markWithdrawalPaid(ctx.user.id, input)),
    retryPayout: adminProcedure.input(withdrawalIdSchema).mutation(({ ctx, input }) => retryStripePayout(ctx.user.id, input)),
    profile: adminProcedure.input(performerIdSchema).query(({ input }) => adminPayoutProfile(input)),
    revealProfile: adminProcedure.input(performerIdSchema).mutation(({ ctx, input }) => revealPayoutProfile(ctx.user.id, input)),
  }),
});
