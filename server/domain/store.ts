import { z } from "zod";
import { FULL_SHARE_BPS } from "./commission";
import { DomainError } from "./errors";
import { formatCredits, mulDivFloor } from "./money";

/**
 * Store rules shared by the browser forms and the services: what an item may be, how many of it one order may
 * take, and how an order's total splits between the buyer's wallet and a card.
 */

/** The highest price of one item, in credits. */
export const MAX_ITEM_PRICE = 1_000_000n;
/** Stock is counted in whole units; null means unlimited. */
const MAX_ITEM_STOCK = 100_000;
/** Units of one item per order. A digital item is bought once: a file has no second copy worth paying for. */
export const MAX_ORDER_QUANTITY = 10;
export const MAX_ITEM_TITLE = 120;
export const MAX_ITEM_DESCRIPTION = 4_000;

export const storeItemFieldsSchema = z.object({
  kind: z.enum(["PHYSICAL", "DIGITAL"]),
  title: z
    .string()
    .trim()
    .min(2, "Give the item a title of at least 2 characters.")
    .max(MAX_ITEM_TITLE, `A title is at most ${MAX_ITEM_TITLE} characters.`),
  description: z.string().trim().max(MAX_ITEM_DESCRIPTION, "A description is at most 4,000 characters."),
  price: z
    .bigint()
    .min(1n, "The price must be at least 1 credit.")
    .max(MAX_ITEM_PRICE, `The price can be at most ${formatCredits(MAX_ITEM_PRICE)} credits.`),
  stock: z
    .number()
    .int("Stock is a whole number.")
    .min(0, "Stock cannot be negative.")
    .max(MAX_ITEM_STOCK, "Stock can be at most 100,000; leave it empty for unlimited.")
    .nullable(),
  active: z.boolean(),
});

export const shippingAddressSchema = z.object({
  name: z.string().trim().min(2, "Enter the recipient's name.").max(120, "At most 120 characters."),
  line1: z.string().trim().min(3, "Enter the street address.").max(200, "At most 200 characters."),
  line2: z.string().trim().max(200, "At most 200 characters.").optional(),
  city: z.string().trim().min(1, "Enter the city.").max(120, "At most 120 characters."),
  postalCode: z.string().trim().min(2, "Enter the postal code.").max(20, "At most 20 characters."),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "Use the two-letter country code, like US or DE.")
    .transform((code) => code.toUpperCase()),
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

/** One line per part of the address, for emails and order pages. */
export function addressLines(address: ShippingAddress): string[] {
  return [address.name, address.line1, address.line2, `${address.postalCode} ${address.city}`, address.country].filter(
    (line): line is string => Boolean(line),
  );
}

export function orderTotal(unitPrice: bigint, quantity: number): bigint {
  if (unitPrice <= 0n) throw new DomainError("BAD_REQUEST", "An item's price must be positive.");
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ORDER_QUANTITY) {
    throw new DomainError("BAD_REQUEST", `Order between 1 and ${MAX_ORDER_QUANTITY} of an item.`);
  }
  return unitPrice * BigInt(quantity);
}

/** The most credits of `total` the wallet may pay: floor(total x share / 10000); the card pays the rest. */
export function walletCap(total: bigint, maxWalletShareBps: number): bigint {
  if (!Number.isInteger(maxWalletShareBps) || maxWalletShareBps < 0 || maxWalletShareBps > FULL_SHARE_BPS) {
    throw new DomainError("BAD_REQUEST", "The wallet share must be whole basis points between 0 and 10000.");
  }
  return mulDivFloor(total, BigInt(maxWalletShareBps), BigInt(FULL_SHARE_BPS));
}

export interface PaymentSplit {
  total: bigint;
  walletPart: bigint;
  /** Credits paid by card; zero for an order paid wholly from the wallet. */
  cardPart: bigint;
  /** What the card is charged, in minor units of the store currency: cardPart x creditPriceMinor. */
  cardAmountMinor: bigint;
}

/**
 * Splits an order's total as the buyer chose: `walletPart` credits from the wallet (at most the cap), the rest
 * by card at the store's credit price. Whether the wallet holds that much is the ledger's guard to decide.
 */
export function splitPayment(input: {
  total: bigint;
  walletPart: bigint;
  maxWalletShareBps: number;
  creditPriceMinor: bigint;
}): PaymentSplit {
  const { total, walletPart, creditPriceMinor } = input;
  if (total <= 0n) throw new DomainError("BAD_REQUEST", "An order must be for a positive amount.");
  if (creditPriceMinor <= 0n) throw new DomainError("BAD_REQUEST", "The card price of a credit must be positive.");
  if (walletPart < 0n) throw new DomainError("BAD_REQUEST", "The wallet part cannot be negative.");
  const cap = walletCap(total, input.maxWalletShareBps);
  if (walletPart > cap) {
    throw new DomainError(
      "BAD_REQUEST",
      cap === 0n
        ? "This order must be paid wholly by card."
        : `At most ${formatCredits(cap)} credits of this order can come from your wallet; the rest is paid by card.`,
      { fieldErrors: { walletPart: [`At most ${formatCredits(cap)} credits.`] } },
    );
  }
  const cardPart = total - walletPart;
  return { total, walletPart, cardPart, cardAmountMinor: cardPart * creditPriceMinor };
}
