import { z } from "zod";
import type { SaleKind } from "@/server/generated/prisma/enums";
import { FULL_SHARE_BPS } from "./commission";
import { storableDate } from "./storable";

/** What a new rate may be, shared by the admin form in the browser and the tRPC input. */
export const SALE_KINDS = ["TIP", "PRIVATE_SHOW", "GROUP_SHOW", "CONTENT", "MEMBERSHIP", "STORE", "PAYMENT_REQUEST_SERVICE", "PAYMENT_REQUEST_GOODS"] as const satisfies readonly SaleKind[];

export const setCommissionRateSchema = z
  .object({
    kind: z.enum(SALE_KINDS),
    /** Neither performerId nor performerUsername: the site-wide default. */
    performerId: z.uuid().optional(),
    performerUsername: z.string().trim().min(1).max(64).optional(),
    performerShareBps: z.number().int().min(0).max(FULL_SHARE_BPS),
    /** Absent: from now. A rate cannot start in the past, which would change what past sales should have paid. */
    effectiveFrom: storableDate().optional(),
  })
  .refine((input) => !(input.performerId && input.performerUsername), {
    message: "Name the performer by id or by username, not both.",
    path: ["performerUsername"],
  });
export type SetCommissionRateInput = z.input<typeof setCommissionRateSchema>;

/** One row of the commission schedule: a site-wide default when `performerId` is null, else that performer's override. */
export interface ScheduledRate {
  kind: SaleKind;
  performerId: string | null;
  performerShareBps: number;
  effectiveFrom: Date;
}

function latestInEffect(rates: readonly ScheduledRate[], at: Date): ScheduledRate | null {
  let latest: ScheduledRate | null = null;
  for (const rate of rates) {
    if (rate.effectiveFrom.getTime() > at.getTime()) continue;
    if (!latest || rate.effectiveFrom.getTime() >= latest.effectiveFrom.getTime()) latest = rate;
  }
  return latest;
}

/**
 * The rate that applies to a sale of `kind` by `performerId` at `at`: the performer's own override in effect
 * then, else the site-wide default in effect then; among rows in effect, the latest effective-from wins (on a
 * tie, the row listed last, which callers order by creation). Null when no rate is in effect.
 */
export function effectiveRate(
  rates: readonly ScheduledRate[],
  kind: SaleKind,
  performerId: string,
  at: Date,
): ScheduledRate | null {
  const ofKind = rates.filter((rate) => rate.kind === kind);
  const override = latestInEffect(
    ofKind.filter((rate) => rate.performerId === performerId),
    at,
  );
  return override ?? latestInEffect(ofKind.filter((rate) => rate.performerId === null), at);
}
