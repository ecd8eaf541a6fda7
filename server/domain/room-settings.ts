import { z } from "zod";
import { METER_CONTROL_VALUES, ROOM_ACCESS_VALUES, TERM_LIMITS } from "./rooms";
import { storableBigint } from "./storable";

/**
 * A performer's change to their room settings, shared by the settings form in the browser and the tRPC input, so
 * both check the same rules. The service still checks prices against the admin's bounds and that a plan or item is
 * the performer's own.
 */

const pricePerMinute = storableBigint(z.bigint().min(1n, "A price is at least 1 credit a minute."));
const splitThreshold = storableBigint(z.bigint().min(1n, "A split threshold is at least 1 credit."));

function termSchema(limits: { min: number; max: number }, label: string) {
  return z
    .number()
    .int(`${label} must be a whole number.`)
    .min(limits.min, `${label} must be at least ${limits.min}.`)
    .max(limits.max, `${label} must be at most ${limits.max}.`);
}

/** Every field optional: what is given changes, the rest stays. Null puts a price or term back to the admin default. */
export const updateRoomSettingsSchema = z.object({
  privatePricePerMinute: pricePerMinute.nullable().optional(),
  groupPricePerMinute: pricePerMinute.nullable().optional(),
  freeSeconds: termSchema(TERM_LIMITS.freeSeconds, "Free seconds").nullable().optional(),
  minimumMinutes: termSchema(TERM_LIMITS.minimumMinutes, "Minimum minutes").nullable().optional(),
  incrementSeconds: termSchema(TERM_LIMITS.incrementSeconds, "Billing increment").nullable().optional(),
  meterControl: z.enum(METER_CONTROL_VALUES).optional(),
  access: z.enum(ROOM_ACCESS_VALUES).optional(),
  requiredPlanId: z.uuid().nullable().optional(),
  accessItemId: z.uuid().nullable().optional(),
  /** Card tabs opened in this room are charged whenever this many credits accrued; null: once, when they close. */
  tabSplitThreshold: splitThreshold.nullable().optional(),
});
export type UpdateRoomSettingsInput = z.input<typeof updateRoomSettingsSchema>;
