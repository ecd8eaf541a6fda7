import { describe, expect, it } from "vitest";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { type RoomSettingsFormValues, roomSettingsFormSchema } from "./room-settings-input";

const bounds = { minPricePerMinute: 5n, maxPricePerMinute: 500n };
const PLAN_ID = "7d0f6a4e-3b1c-4c2a-9e5f-1a2b3c4d5e6f";
const ITEM_ID = "0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e";

/** The form's values read as the input, or the first message on each refused field. */
function settingsInputFrom(values: RoomSettingsFormValues, limits: typeof bounds, tabSplitAllowed = true) {
  const parsed = roomSettingsFormSchema(limits, tabSplitAllowed).safeParse(values);
  if (parsed.success) return { ok: true, input: parsed.data };
  const fieldErrors = Object.fromEntries(Object.entries(fieldErrorsFromIssues(parsed.error.issues)).map(([field, messages]) => [field, messages[0]]));
  return { ok: false, fieldErrors };
}

const blank: RoomSettingsFormValues = {
  privatePricePerMinute: "",
  groupPricePerMinute: "",
  freeSeconds: "",
  minimumMinutes: "",
  incrementSeconds: "",
  meterControl: "AUTOMATIC",
  access: "PUBLIC",
  requiredPlanId: "",
  accessItemId: "",
  tabSplitThreshold: "",
};

describe("roomSettingsFormSchema", () => {
  it("sends blanks as the site defaults", () => {
    expect(settingsInputFrom(blank, bounds)).toEqual({
      ok: true,
      input: {
        privatePricePerMinute: null,
        groupPricePerMinute: null,
        freeSeconds: null,
        minimumMinutes: null,
        incrementSeconds: null,
        meterControl: "AUTOMATIC",
        access: "PUBLIC",
        requiredPlanId: null,
        accessItemId: null,
        tabSplitThreshold: null,
      },
    });
  });

  it.each([
    ["50", true, { ok: true, value: 50n }],
    [" 1,000 ", true, { ok: true, value: 1000n }],
    ["", true, { ok: true, value: null }],
    ["75", false, { ok: true, value: undefined }],
    ["0", true, { ok: false }],
    ["2.5", true, { ok: false }],
    ["lots", true, { ok: false }],
  ] as const)("reads the card tab split threshold %j (performers may set it: %s)", (typed, allowed, expected) => {
    const result = settingsInputFrom({ ...blank, tabSplitThreshold: typed }, bounds, allowed);
    if (expected.ok) expect(result).toMatchObject({ ok: true, input: { tabSplitThreshold: expected.value } });
    else
      expect(result).toEqual({
        ok: false,
        fieldErrors: { tabSplitThreshold: "Enter a whole number of credits (at least 1), or leave it blank to charge once when the tab closes." },
      });
  });

  it("reads typed prices and terms, and only the choice the access needs", () => {
    const result = settingsInputFrom(
      {
        ...blank,
        privatePricePerMinute: " 1,00 ",
        groupPricePerMinute: "5",
        freeSeconds: "0",
        minimumMinutes: "60",
        incrementSeconds: "600",
        meterControl: "PERFORMER_CONTROLS",
        access: "MEMBERSHIP",
        requiredPlanId: PLAN_ID,
        accessItemId: ITEM_ID,
      },
      bounds,
    );
    expect(result).toEqual({
      ok: true,
      input: {
        privatePricePerMinute: 100n,
        groupPricePerMinute: 5n,
        freeSeconds: 0,
        minimumMinutes: 60,
        incrementSeconds: 600,
        meterControl: "PERFORMER_CONTROLS",
        access: "MEMBERSHIP",
        requiredPlanId: PLAN_ID,
        accessItemId: null,
        tabSplitThreshold: null,
      },
    });
  });

  it.each<[string, Partial<RoomSettingsFormValues>, string, string]>([
    ["a price under the minimum", { privatePricePerMinute: "4" }, "privatePricePerMinute", "Enter whole credits from 5 to 500, or leave it blank."],
    ["a price over the maximum", { groupPricePerMinute: "501" }, "groupPricePerMinute", "Enter whole credits from 5 to 500, or leave it blank."],
    ["a fractional price", { privatePricePerMinute: "7.5" }, "privatePricePerMinute", "Enter whole credits from 5 to 500, or leave it blank."],
    ["too much free time", { freeSeconds: "3601" }, "freeSeconds", "Free time is a whole number of seconds from 0 to 3600, or blank."],
    ["a negative minimum", { minimumMinutes: "-1" }, "minimumMinutes", "The minimum charge is a whole number of minutes from 0 to 60, or blank."],
    ["a zero increment", { incrementSeconds: "0" }, "incrementSeconds", "The billing increment is a whole number of seconds from 1 to 600, or blank."],
    ["a members-only room without a plan", { access: "MEMBERSHIP" }, "requiredPlanId", "Choose the plan whose members may enter."],
    ["a paid room without an item", { access: "PAID" }, "accessItemId", "Choose the room-access item members unlock to enter."],
  ])("refuses %s", (_case, change, field, message) => {
    expect(settingsInputFrom({ ...blank, ...change }, bounds)).toEqual({ ok: false, fieldErrors: { [field]: message } });
  });
});
