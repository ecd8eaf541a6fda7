import { z } from "zod";
import { PAYOUT_FIELD_FORMATS, PAYOUT_METHODS } from "./payouts";
import { storableBigint } from "./storable";

/**
 * What admins set for payouts, as the admin forms in the browser and the tRPC inputs both check it: the fields a
 * payout profile asks for and each method's fee and limits.
 */

/** Keys the profile form uses for itself; a field may not take them. */
const RESERVED_KEYS = new Set(["method", "currency", "form"]);

/** A payout field as admins define it, shared by the field editor and the tRPC input. */
export const payoutFieldSchema = z.object({
  /** Absent: a new field. */
  id: z.uuid().optional(),
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, "A key is 2 to 40 lowercase letters, digits or underscores, starting with a letter.")
    .refine((key) => !RESERVED_KEYS.has(key), "That key is reserved; choose another."),
  label: z.string().trim().min(2, "A label is at least 2 characters.").max(60, "A label is at most 60 characters."),
  format: z.enum(PAYOUT_FIELD_FORMATS),
  required: z.boolean(),
  sensitive: z.boolean(),
  /** Empty: the field applies to every method. */
  methods: z.array(z.enum(PAYOUT_METHODS)).max(PAYOUT_METHODS.length),
  sortOrder: z.number().int().min(0).max(1_000),
  active: z.boolean(),
});
export type PayoutFieldInput = z.input<typeof payoutFieldSchema>;

/** A payout method's terms, shared by the admin form and the tRPC input. */
export const methodTermsSchema = z
  .object({
    method: z.enum(PAYOUT_METHODS),
    fixedMinor: z.bigint().min(0n, "A fee can't be negative.").max(100_000_000n),
    percentBps: z.number().int().min(0).max(5_000, "A fee is at most 50%."),
    minCredits: storableBigint(z.bigint().min(1n, "The minimum is at least 1 credit.")),
    maxCredits: z.bigint().max(1_000_000_000_000n),
  })
  .refine((terms) => terms.maxCredits >= terms.minCredits, { message: "The maximum must be at least the minimum.", path: ["maxCredits"] });
export type MethodTermsInput = z.input<typeof methodTermsSchema>;
