import { parseCredits } from "@/server/domain/money";
import { TERM_LIMITS } from "@/server/domain/rooms";
import type { MeterControl, RoomAccess } from "@/server/generated/prisma/enums";
import type { RoomSettingsView, UpdateRoomSettingsInput } from "@/server/services/rooms";

/** The room settings form as typed: every number is text, blank means "the site default". */
export interface RoomSettingsFormValues {
  privatePricePerMinute: string;
  groupPricePerMinute: string;
  freeSeconds: string;
  minimumMinutes: string;
  incrementSeconds: string;
  meterControl: MeterControl;
  access: RoomAccess;
  requiredPlanId: string;
  accessItemId: string;
}

export type RoomSettingsFieldErrors = Partial<Record<keyof RoomSettingsFormValues, string>>;

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
  };
}

const TERM_LABELS = {
  freeSeconds: "Free time",
  minimumMinutes: "The minimum charge",
  incrementSeconds: "The billing increment",
} as const;
const TERM_UNITS = { freeSeconds: "seconds", minimumMinutes: "minutes", incrementSeconds: "seconds" } as const;

/**
 * The form's values as the update the server expects, or what to fix field by field. Range checks of the terms
 * are repeated here so the performer hears about them at once; prices are checked against the admin's bounds.
 */
export function settingsInputFrom(
  values: RoomSettingsFormValues,
  bounds: RoomSettingsView["bounds"],
): { ok: true; input: UpdateRoomSettingsInput } | { ok: false; fieldErrors: RoomSettingsFieldErrors } {
  const fieldErrors: RoomSettingsFieldErrors = {};

  const price = (field: "privatePricePerMinute" | "groupPricePerMinute"): bigint | null => {
    if (values[field].trim() === "") return null;
    const parsed = parseCredits(values[field]);
    if (parsed === null || parsed < bounds.minPricePerMinute || parsed > bounds.maxPricePerMinute) {
      fieldErrors[field] = `Enter whole credits from ${bounds.minPricePerMinute} to ${bounds.maxPricePerMinute}, or leave it blank.`;
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
      fieldErrors[field] = `${TERM_LABELS[field]} is a whole number of ${TERM_UNITS[field]} from ${min} to ${max}, or blank.`;
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
  };
  if (values.access === "MEMBERSHIP" && !values.requiredPlanId) fieldErrors.requiredPlanId = "Choose the plan whose members may enter.";
  if (values.access === "PAID" && !values.accessItemId) fieldErrors.accessItemId = "Choose the room-access item members unlock to enter.";

  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, input };
}
