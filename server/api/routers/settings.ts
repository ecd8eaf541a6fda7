import "server-only";
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { SETTINGS } from "@/server/domain/settings";
import { getAllSettings, setSetting } from "@/server/services/settings";

/** One variant per setting, so a bad value is refused with its fields' own messages before anything is written. */
export const setSettingInput = z.discriminatedUnion("key", [
  z.object({ key: z.literal("earningsHold"), value: SETTINGS.earningsHold.schema }),
  z.object({ key: z.literal("transfers"), value: SETTINGS.transfers.schema }),
  z.object({ key: z.literal("store"), value: SETTINGS.store.schema }),
  z.object({ key: z.literal("memberships"), value: SETTINGS.memberships.schema }),
  z.object({ key: z.literal("shows"), value: SETTINGS.shows.schema }),
  z.object({ key: z.literal("payouts"), value: SETTINGS.payouts.schema }),
  z.object({ key: z.literal("exchange"), value: SETTINGS.exchange.schema }),
  z.object({ key: z.literal("tabs"), value: SETTINGS.tabs.schema }),
  z.object({ key: z.literal("paymentRequests"), value: SETTINGS.paymentRequests.schema }),
]);

export const settingsRouter = createTRPCRouter({
  get: adminProcedure.query(() => getAllSettings()),

  set: adminProcedure.input(setSettingInput).mutation(({ ctx, input }) => setSetting(ctx.user.id, input.key, input.value)),
});
