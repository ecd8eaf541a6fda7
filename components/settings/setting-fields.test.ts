import { describe, expect, it } from "vitest";
import { placeFieldErrors } from "@/components/kit/form-schema";
import {
  SECTION_KEYS,
  SETTING_SECTIONS,
  type SettingField,
  type SettingSection,
  formStateFrom,
  parseField,
  settingFieldAliases,
  settingFormSchema,
  settingFromForm,
  toggleKey,
} from "./setting-fields";

const section = (key: string) => SETTING_SECTIONS.find((candidate) => candidate.key === key) as SettingSection;

describe("SETTING_SECTIONS", () => {
  it("has one section per server setting", () => {
    expect(SETTING_SECTIONS.map((candidate) => candidate.key).sort()).toEqual(Object.keys(SECTION_KEYS).sort());
  });
});

describe("parseField", () => {
  const days: SettingField = { path: "d", kind: "whole", unit: "days", min: 0, max: 365, label: "Days" };
  const override: SettingField = { ...days, optional: true };
  const credits: SettingField = { path: "c", kind: "credits", min: 1n, label: "Credits" };
  const threshold: SettingField = { path: "t", kind: "credits", min: 0n, label: "T", optional: { toggleLabel: "On", warning: { title: "Careful", text: "Mind it" } } };
  const percent: SettingField = { path: "p", kind: "percent", label: "Percent" };
  const minor: SettingField = { path: "m", kind: "minor", label: "Minor" };
  const currency: SettingField = { path: "k", kind: "currency", label: "Currency" };
  const toggle: SettingField = { path: "o", kind: "toggle", label: "Toggle" };

  it.each([
    ["days", days, { d: "7" }, { ok: true, value: 7 }],
    ["days with spaces", days, { d: " 14 " }, { ok: true, value: 14 }],
    ["blank days", days, { d: "" }, { ok: false, error: "Enter a whole number of days." }],
    ["fractional days", days, { d: "1.5" }, { ok: false, error: "Enter a whole number of days." }],
    ["negative days", days, { d: "-1" }, { ok: false, error: "Enter a whole number of days." }],
    ["too many days", days, { d: "366" }, { ok: false, error: "Enter 0 to 365 days." }],
    ["a blank override", override, { d: "" }, { ok: true, value: undefined }],
    ["credits with a thousands comma", credits, { c: "1,500" }, { ok: true, value: 1500n }],
    ["credits below the minimum", credits, { c: "0" }, { ok: false, error: "Enter at least 1 credit." }],
    ["credits as a decimal", credits, { c: "2.5" }, { ok: false, error: "Enter a whole number of credits." }],
    ["an amount switched off", threshold, { t: "500", [toggleKey("t")]: false }, { ok: true, value: null }],
    ["an amount switched on", threshold, { t: "500", [toggleKey("t")]: true }, { ok: true, value: 500n }],
    ["an amount switched on but blank", threshold, { t: "", [toggleKey("t")]: true }, { ok: false, error: "Enter a whole number of credits." }],
    ["a percentage", percent, { p: "1.5" }, { ok: true, value: 150 }],
    ["100%", percent, { p: "100" }, { ok: true, value: 10_000 }],
    ["over 100%", percent, { p: "100.01" }, { ok: false, error: "Enter a percentage from 0 to 100, with up to two decimals." }],
    ["minor units", minor, { m: "10" }, { ok: true, value: 10n }],
    ["zero minor units", minor, { m: "0" }, { ok: false, error: "Enter a whole number of minor units (cents), at least 1." }],
    ["a currency in capitals", currency, { k: "EUR" }, { ok: true, value: "eur" }],
    ["a currency name", currency, { k: "euro" }, { ok: false, error: "Enter a three-letter currency code, such as usd." }],
    ["a toggle on", toggle, { o: true }, { ok: true, value: true }],
    ["a toggle off", toggle, { o: false }, { ok: true, value: false }],
  ])("%s", (_case, field, state, expected) => {
    expect(parseField(field, state)).toEqual(expected);
  });
});

describe("formStateFrom and settingFromForm", () => {
  it.each([
    ["earningsHold", { defaultDays: 7, byKind: { TIP: 3, STORE: 0 } }],
    ["earningsHold", { defaultDays: 0, byKind: {} }],
    ["transfers", { enabled: false, dailyLimit: 5_000n, feeBps: 125, minFee: 2n }],
    ["store", { maxWalletShareBps: 10_000, creditPriceMinor: 10n, currency: "usd" }],
    ["memberships", { graceDays: 3 }],
    ["exchange", { quoteSeconds: 60 }],
    [
      "shows",
      {
        minPricePerMinute: 5n,
        maxPricePerMinute: 500n,
        defaultPrivatePricePerMinute: 60n,
        defaultGroupPricePerMinute: 20n,
        freeSeconds: 0,
        minimumMinutes: 1,
        incrementSeconds: 30,
        settleThreshold: 100n,
        offlineTimeoutSeconds: 90,
      },
    ],
    ["payouts", { methodLockDays: 7, autoApproveBelowCredits: null }],
    ["payouts", { methodLockDays: 7, autoApproveBelowCredits: 250n }],
  ])("%s survives the round trip through the form (case %#)", (key, value) => {
    expect(settingFromForm(section(key), formStateFrom(section(key), value))).toEqual({ value });
  });

  it("shows percentages and optional amounts the way an admin types them", () => {
    expect(formStateFrom(section("transfers"), { enabled: true, dailyLimit: 10n, feeBps: 125, minFee: 0n })).toMatchObject({ feeBps: "1.25" });
    expect(formStateFrom(section("payouts"), { methodLockDays: 7, autoApproveBelowCredits: null })).toEqual({
      methodLockDays: "7",
      autoApproveBelowCredits: "",
      [toggleKey("autoApproveBelowCredits")]: false,
    });
  });

  it("collects a message per invalid field", () => {
    const state = { ...formStateFrom(section("memberships"), { graceDays: 3 }), graceDays: "three" };
    expect(settingFromForm(section("memberships"), state)).toEqual({ errors: { graceDays: "Enter a whole number of days." } });
  });
});

describe("settingFieldAliases", () => {
  it.each([
    ["a top-level field", "shows", { maxPricePerMinute: ["Too low."] }, { errors: { maxPricePerMinute: "Too low." }, unplaced: [] }],
    ["a nested field", "earningsHold", { TIP: ["Whole days."] }, { errors: { "byKind.TIP": "Whole days." }, unplaced: [] }],
    ["an unknown name", "shows", { value: ["Bad."] }, { errors: {}, unplaced: ["Bad."] }],
  ])("places %s", (_case, key, fieldErrors, expected) => {
    const fields = Object.keys(formStateFrom(section(key), {}));
    expect(placeFieldErrors(fieldErrors, fields, settingFieldAliases(section(key)))).toEqual(expected);
  });
});

describe("settingFormSchema", () => {
  it("refuses what the setting's own schema refuses, on the field it names", () => {
    const state = {
      ...formStateFrom(section("shows"), {}),
      minPricePerMinute: "10",
      maxPricePerMinute: "5",
      defaultPrivatePricePerMinute: "7",
      defaultGroupPricePerMinute: "7",
      freeSeconds: "0",
      minimumMinutes: "1",
      incrementSeconds: "30",
      settleThreshold: "1",
      offlineTimeoutSeconds: "90",
    };
    const parsed = settingFormSchema(section("shows")).safeParse(state);
    expect(parsed.success).toBe(false);
    const issues = parsed.error?.issues.map((issue) => [issue.path.at(-1), issue.message]);
    expect(issues).toContainEqual(["maxPricePerMinute", "The highest price per minute cannot be below the lowest."]);
  });
});
