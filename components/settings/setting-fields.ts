import { formatBps, percentToBps } from "@/components/commissions/rate-input";
import { SALE_KIND_LABELS, SALE_KINDS } from "@/components/sales/sale-kind";
import { z } from "zod";
import { SETTINGS } from "@/server/domain/settings";
import type { AllSettings, SettingKey } from "@/server/services/settings";

/**
 * The admin settings form, described as data: each setting's fields, how a stored value becomes what the inputs
 * show, and how what an admin typed becomes a value, with a plain message for anything that isn't one. The
 * server checks the whole value again (server/services/settings/settings.ts) and its messages land on the same fields.
 */

interface FieldBase {
  /** Where the field's value sits in the setting, dot-separated ("byKind.TIP"). */
  path: string;
  label: string;
  hint?: string;
}

export type SettingField =
  | (FieldBase & { kind: "whole"; unit: "days" | "hours" | "seconds" | "minutes"; min: number; max: number; optional?: true })
  | (FieldBase & { kind: "credits"; min: bigint; optional?: { toggleLabel: string; warning?: { title: string; text: string } } })
  | (FieldBase & { kind: "percent" })
  | (FieldBase & { kind: "minor" })
  | (FieldBase & { kind: "toggle" })
  | (FieldBase & { kind: "currency" })
  | (FieldBase & { kind: "choice"; options: readonly { value: string; label: string }[] });

export interface SettingSection {
  key: SettingKey;
  title: string;
  description: string;
  fields: SettingField[];
}

/** What the inputs hold: text for text inputs, on/off for toggles (an optional amount's toggle is `<path>:on`). */
export type FormState = Record<string, string | boolean>;

export const toggleKey = (path: string) => `${path}:on`;

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

const WHOLE = /^\d{1,9}$/;
const CREDITS = /^\d{1,15}$/;

function parseWhole(field: Extract<SettingField, { kind: "whole" }>, text: string): Parsed {
  if (text === "" && field.optional) return { ok: true, value: undefined };
  if (!WHOLE.test(text)) return { ok: false, error: `Enter a whole number of ${field.unit}.` };
  const value = Number(text);
  if (value < field.min || value > field.max) return { ok: false, error: `Enter ${field.min} to ${field.max} ${field.unit}.` };
  return { ok: true, value };
}

function parseCreditsText(text: string, min: bigint): Parsed {
  const cleaned = text.replace(/,/g, "");
  if (!CREDITS.test(cleaned)) return { ok: false, error: "Enter a whole number of credits." };
  const value = BigInt(cleaned);
  if (value < min) return { ok: false, error: `Enter at least ${min} credit${min === 1n ? "" : "s"}.` };
  return { ok: true, value };
}

export function parseField(field: SettingField, state: FormState): Parsed {
  const input = state[field.path];
  const text = typeof input === "string" ? input.trim() : "";
  switch (field.kind) {
    case "whole":
      return parseWhole(field, text);
    case "credits":
      if (field.optional && state[toggleKey(field.path)] !== true) return { ok: true, value: null };
      return parseCreditsText(text, field.min);
    case "percent": {
      const bps = percentToBps(text);
      return bps === null ? { ok: false, error: "Enter a percentage from 0 to 100, with up to two decimals." } : { ok: true, value: bps };
    }
    case "minor": {
      const cleaned = text.replace(/,/g, "");
      if (!CREDITS.test(cleaned) || BigInt(cleaned) < 1n) return { ok: false, error: "Enter a whole number of minor units (cents), at least 1." };
      return { ok: true, value: BigInt(cleaned) };
    }
    case "toggle":
      return { ok: true, value: input === true };
    case "choice":
      return field.options.some((option) => option.value === text) ? { ok: true, value: text } : { ok: false, error: "Choose one of the options." };
    case "currency":
      return /^[a-z]{3}$/i.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false, error: "Enter a three-letter currency code, such as usd." };
  }
}

function valueAt(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, segment) => (node && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined), value);
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split(".");
  const last = segments.pop() as string;
  let node = target;
  for (const segment of segments) node = (node[segment] ??= {}) as Record<string, unknown>;
  if (value !== undefined) node[last] = value;
}

/** What the inputs show for a stored setting. */
export function formStateFrom(section: SettingSection, value: unknown): FormState {
  const state: FormState = {};
  for (const field of section.fields) {
    const current = valueAt(value, field.path);
    if (field.kind === "toggle") state[field.path] = current === true;
    else if (field.kind === "percent") state[field.path] = typeof current === "number" ? formatBps(current).replace("%", "") : "";
    else state[field.path] = current === undefined || current === null ? "" : String(current);
    if (field.kind === "credits" && field.optional) state[toggleKey(field.path)] = current !== null && current !== undefined;
  }
  return state;
}

/** The setting an admin typed, or a message per field that isn't valid. */
export function settingFromForm(section: SettingSection, state: FormState): { value: Record<string, unknown> } | { errors: Record<string, string> } {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of section.fields) {
    const parsed = parseField(field, state);
    if (parsed.ok) setAt(value, field.path, parsed.value);
    else errors[field.path] = parsed.error;
  }
  return Object.keys(errors).length > 0 ? { errors } : { value };
}

/**
 * A section's form read into its setting: each input parsed with the message above, then checked by the setting's
 * own schema (the tRPC input's), whose refusals name a field by its last path segment.
 */
export function settingFormSchema(section: SettingSection) {
  // Each setting's schema reads stored JSON (coercing its amounts), so its input type is loose; the form gives it a value.
  const settingSchema = SETTINGS[section.key].schema as z.ZodType<unknown, Record<string, unknown>>;
  return z
    .record(z.string(), z.union([z.string(), z.boolean()]))
    .transform((state, ctx) => {
      const parsed = settingFromForm(section, state);
      if ("value" in parsed) return parsed.value;
      for (const [path, message] of Object.entries(parsed.errors)) ctx.addIssue({ code: "custom", path: [path], message });
      return z.NEVER;
    })
    .pipe(settingSchema);
}

/** The form field each name the server (or the setting's schema) reports stands for: "TIP" is typed in "byKind.TIP". */
export function settingFieldAliases(section: SettingSection): Record<string, string> {
  return Object.fromEntries(section.fields.map((field) => [field.path.split(".").at(-1) ?? field.path, field.path]));
}

export const SETTING_SECTIONS: SettingSection[] = [
  {
    key: "earningsHold",
    title: "Earnings hold",
    description:
      "How long a performer's share of a sale stays pending before it can be withdrawn. New sales use the hold in force when they are made; earnings already pending keep their date.",
    fields: [
      { path: "defaultDays", kind: "whole", unit: "days", min: 0, max: 365, label: "Default hold (days)" },
      ...SALE_KINDS.map((kind) => ({
        path: `byKind.${kind}`,
        kind: "whole" as const,
        unit: "days" as const,
        min: 0,
        max: 365,
        optional: true as const,
        label: `${SALE_KIND_LABELS[kind]} (days)`,
        hint: "Blank: the default hold.",
      })),
    ],
  },
  {
    key: "transfers",
    title: "Transfers",
    description: "Members sending credits to each other.",
    fields: [
      { path: "enabled", kind: "toggle", label: "Members may transfer credits" },
      { path: "dailyLimit", kind: "credits", min: 0n, label: "Daily limit per member (credits)" },
      { path: "feeBps", kind: "percent", label: "Fee (%)", hint: "Of the amount sent." },
      { path: "minFee", kind: "credits", min: 0n, label: "Minimum fee (credits)" },
    ],
  },
  {
    key: "store",
    title: "Store",
    description: "Store orders may be paid partly from the wallet and the rest by card.",
    fields: [
      { path: "maxWalletShareBps", kind: "percent", label: "Most of an order payable from the wallet (%)" },
      { path: "creditPriceMinor", kind: "minor", label: "Price of one credit paid by card (minor units)", hint: "In cents for usd: 10 is $0.10." },
      { path: "currency", kind: "currency", label: "Card currency" },
    ],
  },
  {
    key: "memberships",
    title: "Memberships",
    description: "What happens when a renewal cannot be paid.",
    fields: [{ path: "graceDays", kind: "whole", unit: "days", min: 0, max: 365, label: "Grace period (days)", hint: "Access continues this long while the renewal is retried." }],
  },
  {
    key: "shows",
    title: "Shows",
    description: "Bounds and defaults for per-minute private and group shows.",
    fields: [
      { path: "minPricePerMinute", kind: "credits", min: 0n, label: "Lowest price per minute (credits)" },
      { path: "maxPricePerMinute", kind: "credits", min: 0n, label: "Highest price per minute (credits)" },
      { path: "defaultPrivatePricePerMinute", kind: "credits", min: 0n, label: "Default private show price (credits/min)" },
      { path: "defaultGroupPricePerMinute", kind: "credits", min: 0n, label: "Default group show price (credits/min)" },
      { path: "freeSeconds", kind: "whole", unit: "seconds", min: 0, max: 3_600, label: "Free preview (seconds)" },
      { path: "minimumMinutes", kind: "whole", unit: "minutes", min: 0, max: 60, label: "Minimum charge (minutes)" },
      { path: "incrementSeconds", kind: "whole", unit: "seconds", min: 1, max: 600, label: "Billing increment (seconds)" },
      { path: "settleThreshold", kind: "credits", min: 1n, label: "Collect charges every (credits)", hint: "1 collects at every tick of the meter, so wallets and earnings move as the show runs; more posts fewer, larger charges, and wallets lag by up to this much." },
      { path: "offlineTimeoutSeconds", kind: "whole", unit: "seconds", min: 10, max: 3_600, label: "End a show after silence of (seconds)" },
    ],
  },
  {
    key: "payouts",
    title: "Payouts",
    description: "Withdrawals of performers' available earnings.",
    fields: [
      { path: "methodLockDays", kind: "whole", unit: "days", min: 0, max: 365, label: "Lock after payout details change (days)" },
      {
        path: "autoApproveBelowCredits",
        kind: "credits",
        min: 0n,
        label: "Approve without review up to (credits)",
        optional: {
          toggleLabel: "Approve small withdrawals automatically",
          warning: {
            title: "Withdrawals will skip review",
            text: "Withdrawals at or below this amount will be paid without anyone reviewing them, including those from accounts that were just compromised or are disputing sales. Keep the amount small.",
          },
        },
      },
    ],
  },
  {
    key: "exchange",
    title: "Exchange",
    description: "Members moving value between their own wallets at the admin-set exchange rates.",
    fields: [
      {
        path: "quoteSeconds",
        kind: "whole",
        unit: "seconds",
        min: 10,
        max: 600,
        label: "A quote is honoured for (seconds)",
        hint: "After this, confirming is refused and the member asks for a new quote at the rate then in effect.",
      },
    ],
  },
  {
    key: "tabs",
    title: "Card tabs",
    description: "Pay later by card: members authorise a card up to a limit and are charged once for what they spent, in the store currency at the price of one credit.",
    fields: [
      { path: "minLimitMinor", kind: "minor", label: "Lowest limit (minor units)", hint: "In cents for usd: 2000 is $20." },
      { path: "maxLimitMinor", kind: "minor", label: "Highest limit (minor units)" },
      {
        path: "defaultSplitThreshold",
        kind: "credits",
        min: 1n,
        label: "Capture whenever a tab has accrued (credits)",
        hint: "A card that fails later then loses at most this much.",
        optional: { toggleLabel: "Split tabs into several captures by default" },
      },
      { path: "performersMaySetSplit", kind: "toggle", label: "Performers may set their room's own split threshold" },
      {
        path: "writeOffBorneBy",
        kind: "choice",
        label: "An unpaid tab written off is borne by",
        options: [
          { value: "PLATFORM", label: "The platform (bad debt)" },
          { value: "PERFORMER", label: "The performer (the unpaid sales are undone)" },
        ],
      },
      {
        path: "settleAfterHours",
        kind: "whole",
        unit: "hours",
        min: 1,
        max: 144,
        label: "Settle a tab at the latest after (hours)",
        hint: "Card holds lapse after 7 days; a tab is captured before that.",
      },
    ],
  },
  {
    key: "paymentRequests",
    title: "Payment requests",
    description: "Requests performers send to members in their room for an online service or physical goods.",
    fields: [
      {
        path: "expiryMinutes",
        kind: "whole",
        unit: "minutes",
        min: 1,
        max: 1440,
        label: "A request can be paid for (minutes)",
        hint: "After this it expires: paying is refused, and a card payment that arrives later is refunded.",
      },
    ],
  },
];

/** Type-checks at compile time that the sections cover every setting the server has, no more. */
export const SECTION_KEYS: Record<keyof AllSettings, true> = {
  earningsHold: true,
  transfers: true,
  store: true,
  memberships: true,
  shows: true,
  payouts: true,
  exchange: true,
  tabs: true,
  paymentRequests: true,
};
