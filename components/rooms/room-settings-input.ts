import { z } from "zod";
import { parseCredits } from "@/server/domain/money";
import { type UpdateRoomSettingsInput, updateRoomSettingsSchema } from "@/server/domain/room-settings";
import { METER_CONTROL_VALUES, ROOM_ACCESS_VALUES, TERM_LIMITS } from "@/server/domain/rooms";
import type { MeterControl, RoomAccess } from "@/server/generated/prisma/enums";
import type { RoomSettingsView } from "@/server/services/rooms";

/** The room settings form as typed: every number is text, blank means "the site default". */
export type RoomSettingsFormValues = {
  privatePricePerMinute: string;
  groupPricePerMinute: string;
  freeSeconds: string;
  minimumMinutes: string;
  incrementSeconds: string;
  meterControl: MeterControl;
  access: RoomAccess;
  requiredPlanId: string;
  accessItemId: string;
  tabSplitThreshold: string;
};

const text = (value: bigint | number | null) => (value === null ? "" : value.toString());

export function formValuesFrom(settings: RoomSettingsView): RoomSettingsFormValues {
  return {
    privatePricePerMinute: text(settings.overrides.privatePricePerMinute),
    groupPricePerMinute: text(settings.overrides.groupPricePerMinute),
    freeSeconds: text(settings.overrides.freeSeconds),
    minimumMinutes: text(settings.overrides.minimumMinutes),
    incrementSeconds: text(settings.overrides.incrementSeconds),
    meterControl: settings.meterControl,
    access: settings.access,
    requiredPlanId: settings.requiredPlanId ?? "",
    accessItemId: settings.accessItemId ?? "",
    tabSplitThreshold: text(settings.tabSplitThreshold),
  };
}

const TERM_LABELS = {
  freeSeconds: "Free time",
  minimumMinutes: "The minimum charge",
  incrementSeconds: "The billing increment",
} as const;
const TERM_UNITS = { freeSeconds: "seconds", minimumMinutes: "minutes", incrementSeconds: "seconds" } as const;

/**
 * The room settings form read into the tRPC input. Prices are checked against the admin's bounds and terms against
 * their ranges here, with messages that name the blank option, so the performer hears about every field at once;
 * the result is then checked by the input's own schema.
 */
export function roomSettingsFormSchema(bounds: RoomSettingsView["bounds"], tabSplitAllowed = true) {
  return z
    .object({
      privatePricePerMinute: z.string(),
      groupPricePerMinute: z.string(),
      freeSeconds: z.string(),
      minimumMinutes: z.string(),
      incrementSeconds: z.string(),
      meterControl: z.enum(METER_CONTROL_VALUES),
      access: z.enum(ROOM_ACCESS_VALUES),
      requiredPlanId: z.string(),
      accessItemId: z.string(),
      tabSplitThreshold: z.string(),
    })
    .transform((values, ctx) => {
      const refuse = (field: keyof RoomSettingsFormValues, message: string) => ctx.addIssue({ code: "custom", path: [field], message });

      const price = (field: "privatePricePerMinute" | "groupPricePerMinute"): bigint | null => {
        if (values[field].trim() === "") return null;
        const parsed = parseCredits(values[field]);
        if (parsed === null || parsed < bounds.minPricePerMinute || parsed > bounds.maxPricePerMinute) {
          refuse(field, `Enter whole credits from ${bounds.minPricePerMinute} to ${bounds.maxPricePerMinute}, or leave it blank.`);
          return null;
        }
        return parsed;
      };

      const term = (field: keyof typeof TERM_LIMITS): number | null => {
        const typed = values[field].trim();
        if (typed === "") return null;
        const { min, max } = TERM_LIMITS[field];
        const parsed = /^\d{1,5}$/.test(typed) ? Number(typed) : Number.NaN;
        if (!(parsed >= min && parsed <= max)) {
          refuse(field, `${TERM_LABELS[field]} is a whole number of ${TERM_UNITS[field]} from ${min} to ${max}, or blank.`);
          return null;
        }
        return parsed;
      };

      const splitThreshold = (): bigint | null | undefined => {
        // Not the performer's to set while the admin keeps it: sent as absent, so the stored value stays.
        if (!tabSplitAllowed) return undefined;
        if (values.tabSplitThreshold.trim() === "") return null;
        const parsed = parseCredits(values.tabSplitThreshold);
        if (parsed === null || parsed < 1n) {
          refuse("tabSplitThreshold", "Enter a whole number of credits (at least 1), or leave it blank to charge once when the tab closes.");
          return null;
        }
        return parsed;
      };

      const input: UpdateRoomSettingsInput = {
        privatePricePerMinute: price("privatePricePerMinute"),
        groupPricePerMinute: price("groupPricePerMinute"),
        freeSeconds: term("freeSeconds"),
        minimumMinutes: term("minimumMinutes"),
        incrementSeconds: term("incrementSeconds"),
        meterControl: values.meterControl,
        access: values.access,
        requiredPlanId: values.access === "MEMBERSHIP" ? values.requiredPlanId || null : null,
        accessItemId: values.access === "PAID" ? values.accessItemId || null : null,
        tabSplitThreshold: splitThreshold(),
      };
      if (values.access === "MEMBERSHIP" && !values.requiredPlanId) refuse("requiredPlanId", "Choose the plan whose members may enter.");
      if (values.access === "PAID" && !values.accessItemId) refuse("accessItemId", "Choose the room-access item members unlock to enter.");
      return input;
    })
    .pipe(updateRoomSettingsSchema);
}
