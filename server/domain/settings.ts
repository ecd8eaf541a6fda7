import { z } from "zod";

/**
 * Every admin-set setting's value schema and default, pure so the admin forms in the browser check a value with the
 * schema the tRPC input and the service use. Reading and writing them is server/services/settings.
 */

const credits = z.coerce.bigint({ error: "Enter a whole number of credits." }).min(0n, "Credits cannot be negative.");
const days = z
  .number({ error: "Enter a whole number of days." })
  .int("Enter a whole number of days.")
  .min(0, "Days cannot be negative.")
  .max(365, "At most 365 days.");
const bps = z
  .number({ error: "Enter a rate in basis points." })
  .int("Enter a whole number of basis points.")
  .min(0, "A rate cannot be negative.")
  .max(10_000, "A rate cannot be above 100%.");

function isWithinPriceBounds(bounds: { minPricePerMinute: bigint; maxPricePerMinute: bigint }, price: bigint): boolean {
  return price >= bounds.minPricePerMinute && price <= bounds.maxPricePerMinute;
}

/**
 * Every admin-set setting: its schema and its default. A key absent from platform_settings has its default, so a
 * fresh database behaves sensibly before an admin touches anything.
 */
export const SETTINGS = {
  /** Days a performer's share of a sale stays pending before it can be withdrawn; per kind of sale if set. */
  earningsHold: {
    schema: z.object({
      defaultDays: days,
      byKind: z.partialRecord(
        z.enum(["TIP", "PRIVATE_SHOW", "GROUP_SHOW", "CONTENT", "MEMBERSHIP", "STORE", "PAYMENT_REQUEST_SERVICE", "PAYMENT_REQUEST_GOODS"]),
        days,
      ),
    }),
    default: { defaultDays: 7, byKind: {} },
  },
  transfers: {
    schema: z.object({ enabled: z.boolean(), dailyLimit: credits, feeBps: bps, minFee: credits }),
    default: { enabled: true, dailyLimit: 5_000n, feeBps: 0, minFee: 0n },
  },
  store: {
    schema: z.object({
      /** The most of an order's total that may be paid from the wallet, in basis points; the rest is paid by card. */
      maxWalletShareBps: bps,
      /** What one credit costs when paid by card, in minor units of `currency`. */
      creditPriceMinor: z.coerce.bigint().min(1n),
      currency: z.string().length(3),
    }),
    default: { maxWalletShareBps: 10_000, creditPriceMinor: 10n, currency: "usd" },
  },
  memberships: {
    schema: z.object({ graceDays: days }),
    default: { graceDays: 3 },
  },
  shows: {
    schema: z.object({
      minPricePerMinute: credits,
      maxPricePerMinute: credits,
      defaultPrivatePricePerMinute: credits,
      defaultGroupPricePerMinute: credits,
      freeSeconds: z.number().int().min(0).max(3_600),
      minimumMinutes: z.number().int().min(0).max(60),
      incrementSeconds: z.number().int().min(1).max(600),
      /** Unposted charges are collected whenever they reach this many credits; 1 collects on every sweep. */
      settleThreshold: z.coerce.bigint().min(1n),
      offlineTimeoutSeconds: z.number().int().min(10).max(3_600),
    })
      .refine((shows) => shows.minPricePerMinute <= shows.maxPricePerMinute, {
        message: "The highest price per minute cannot be below the lowest.",
        path: ["maxPricePerMinute"],
      })
      .refine((shows) => isWithinPriceBounds(shows, shows.defaultPrivatePricePerMinute), {
        message: "The default private show price must lie between the lowest and highest price.",
        path: ["defaultPrivatePricePerMinute"],
      })
      .refine((shows) => isWithinPriceBounds(shows, shows.defaultGroupPricePerMinute), {
        message: "The default group show price must lie between the lowest and highest price.",
        path: ["defaultGroupPricePerMinute"],
      }),
    default: {
      minPricePerMinute: 5n,
      maxPricePerMinute: 500n,
      defaultPrivatePricePerMinute: 60n,
      defaultGroupPricePerMinute: 20n,
      freeSeconds: 0,
      minimumMinutes: 1,
      incrementSeconds: 30,
      settleThreshold: 1n,
      offlineTimeoutSeconds: 90,
    },
  },
  payouts: {
    schema: z.object({
      /** Days withdrawals stay blocked after a performer changes their payout method or details. */
      methodLockDays: days,
      /** Requests at or below this many credits are approved without review; null (the default) means never. */
      autoApproveBelowCredits: credits.nullable(),
    }),
    default: { methodLockDays: 7, autoApproveBelowCredits: null },
  },
  exchange: {
    schema: z.object({
      /** How long a member's exchange quote is honoured, by the database's clock. */
      quoteSeconds: z
        .number({ error: "Enter a whole number of seconds." })
        .int("Enter a whole number of seconds.")
        .min(10, "A quote must last at least 10 seconds.")
        .max(600, "A quote may last at most 600 seconds."),
    }),
    default: { quoteSeconds: 60 },
  },
  /** Card tabs (pay later by card); a tab's credits cost `store.creditPriceMinor` in `store.currency`. */
  tabs: {
    schema: z
      .object({
        /** The lowest and highest limit a member may authorise, in minor units of the store currency. */
        minLimitMinor: z.coerce.bigint().min(100n, "A tab's lowest limit is at least 100 minor units."),
        maxLimitMinor: z.coerce.bigint().max(10_000_000n, "A tab's highest limit is at most 10,000,000 minor units."),
        /** Capture a tab's accrual whenever it reaches this many credits; null: once, when the tab closes. */
        defaultSplitThreshold: credits.min(1n, "A split threshold is at least 1 credit.").nullable(),
        /** Performers may set their room's own split threshold. */
        performersMaySetSplit: z.boolean(),
        /** Who loses a tab's unpaid amount when it is written off. */
        writeOffBorneBy: z.enum(["PLATFORM", "PERFORMER"]),
        /** Hours after its authorisation a tab is settled at the latest; processors release holds after 7 days. */
        settleAfterHours: z.number().int().min(1).max(144, "Settle within 6 days, before the card's hold lapses."),
      })
      .refine((tabs) => tabs.minLimitMinor <= tabs.maxLimitMinor, {
        message: "The highest limit cannot be below the lowest.",
        path: ["maxLimitMinor"],
      }),
    default: {
      minLimitMinor: 2_000n,
      maxLimitMinor: 50_000n,
      defaultSplitThreshold: null,
      performersMaySetSplit: true,
      writeOffBorneBy: "PLATFORM",
      settleAfterHours: 120,
    },
  },
  paymentRequests: {
    schema: z.object({
      /** How long a member has to pay a performer's payment request, by the database's clock. */
      expiryMinutes: z
        .number({ error: "Enter a whole number of minutes." })
        .int("Enter a whole number of minutes.")
        .min(1, "A request must last at least 1 minute.")
        .max(1_440, "A request may last at most 1,440 minutes (a day)."),
    }),
    default: { expiryMinutes: 15 },
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<Key extends SettingKey> = z.infer<(typeof SETTINGS)[Key]["schema"]>;
