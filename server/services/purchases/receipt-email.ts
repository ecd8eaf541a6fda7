import "server-only";
import { formatMinor } from "@/server/domain/money";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText, renderEmail } from "../emails/template";

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
