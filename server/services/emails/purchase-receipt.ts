import type Stripe from "stripe";
import { formatMinor } from "@/server/domain/money";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText, renderEmail } from "./template";

export interface PurchaseReceipt {
  to: string;
  name: string;
  purchaseId: string;
  packageName: string;
  credits: bigint;
  priceMinor: bigint;
  currency: string;
  /** "Visa ending in 4242"; null when the charge could not be read. */
  paidWith: string | null;
  at: Date;
  appUrl: string;
}

const RECEIPT_DATE = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
};

/** How the receipt names what paid, from the charge's payment method details; null if they say nothing usable. */
export function describePaymentMethod(details: Stripe.Charge.PaymentMethodDetails | null | undefined): string | null {
  if (details?.card?.last4) return `${BRANDS[details.card.brand ?? ""] ?? "Card"} ending in ${details.card.last4}`;
  if (details?.us_bank_account?.last4) return `Bank account ending in ${details.us_bank_account.last4}`;
  return null;
}

/** The receipt for credits bought with a card: what was paid, what was credited, with what, and the wallet. */
export function purchaseReceiptEmail(receipt: PurchaseReceipt): OutgoingEmail {
  return renderEmail({
    to: receipt.to,
    subject: `Receipt: ${creditsText(receipt.credits)} for ${formatMinor(receipt.priceMinor, receipt.currency)}`,
    paragraphs: [
      `Hi ${receipt.name},`,
      `Thank you for your purchase. ${creditsText(receipt.credits)} are in your wallet now.`,
      [
        `Package: ${receipt.packageName}`,
        `Paid: ${formatMinor(receipt.priceMinor, receipt.currency)}`,
        `Credits received: ${creditsText(receipt.credits)}`,
        ...(receipt.paidWith ? [`Paid with: ${receipt.paidWith}`] : []),
        `Date: ${RECEIPT_DATE.format(receipt.at)} UTC`,
        `Receipt number: ${receipt.purchaseId}`,
      ].join("\n"),
    ],
    link: appLink(receipt.appUrl, "Your wallet", "/wallet"),
  });
}
