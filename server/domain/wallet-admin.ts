import { z } from "zod";
import type { CurrencyKind } from "@/server/generated/prisma/enums";
import { CREDITS } from "./ledger";
import { WALLET_PURPOSES } from "./wallets";

/**
 * What an admin may set on wallet types and currencies, shared by the admin forms in the browser and the tRPC
 * inputs, so both check the same rules with the same messages. The database keeps the last word (its checks and
 * the wallet_types trigger); the service turns its refusals into these same words.
 */

/**
 * Account kinds that are not wallets of a type (pending and held earnings) or already belong to the Credits wallet:
 * a new type's account kind is its id, so these ids would clash with a user's existing accounts.
 */
export const RESERVED_WALLET_IDS = ["available", "pending", "held"] as const;

const walletTypeId = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, "Use 2 to 32 lower-case letters, digits or dashes, starting with a letter, like savings.")
  .refine((id) => !RESERVED_WALLET_IDS.some((reserved) => reserved === id), "That id is reserved for the balances every user has; pick another.");

export const currencyCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{3,8}$/, "Use 3 to 8 capital letters, like USD.");

export const CURRENCY_KINDS = ["CREDITS", "POINTS", "FIAT"] as const satisfies readonly CurrencyKind[];

/** Only wallets in site credits may pay for things: sales are priced in credits. */
export const ONLY_CREDITS_PAY = "Only wallets in site credits (CRD) can pay for things; other wallets are exchanged into credits first.";

/** The rules an admin can change on any wallet type, built-in or not. */
export const walletTypeRulesSchema = z.object({
  name: z.string().trim().min(2, "Give the wallet a name of at least 2 characters.").max(40, "Keep the name to 40 characters."),
  description: z.string().trim().max(300, "Keep the description to 300 characters."),
  paysFor: z.array(z.enum(WALLET_PURPOSES)).refine((purposes) => new Set(purposes).size === purposes.length, "List each use once."),
  transferable: z.boolean(),
  withdrawable: z.boolean(),
  storeShareCapBps: z.number().int().min(0, "The store share is between 0% and 100%.").max(10_000, "The store share is between 0% and 100%."),
  exchangeIn: z.boolean(),
  exchangeOut: z.boolean(),
  position: z.number().int().min(0, "Enter a position from 0 to 1000.").max(1000, "Enter a position from 0 to 1000."),
});

export const createWalletTypeSchema = walletTypeRulesSchema
  .extend({ id: walletTypeId, currency: currencyCodeSchema, active: z.boolean() })
  .refine((input) => input.currency === CREDITS || input.paysFor.length === 0, { path: ["paysFor"], message: ONLY_CREDITS_PAY });

export const updateWalletTypeSchema = walletTypeRulesSchema.extend({ id: z.string().min(1).max(32) });

export const setWalletTypeActiveSchema = z.object({ id: z.string().min(1).max(32), active: z.boolean() });

/** Site credits are CRD, seeded with the platform; a new currency is points or a fiat currency. */
export const createCurrencySchema = z.object({
  code: currencyCodeSchema,
  name: z.string().trim().min(2, "Give the currency a name of at least 2 characters.").max(40, "Keep the name to 40 characters."),
  kind: z.enum(CURRENCY_KINDS).refine((kind) => kind !== "CREDITS", "Site credits are CRD already; choose points or fiat."),
  exponent: z.number().int().min(0, "Decimals are 0 to 4.").max(4, "Decimals are 0 to 4."),
});

export const setCurrencyActiveSchema = z.object({ code: z.string().min(1).max(8), active: z.boolean() });
