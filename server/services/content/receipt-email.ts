import "server-only";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText, renderEmail } from "../emails/template";

export interface ContentReceipt {
  to: string;
  buyerName: string;
  itemId: string;
  title: string;
  stageName: string;
  price: bigint;
  transactionId: bigint;
  at: Date;
  /** The app's public URL, so the link opens the item. */
  appUrl: string;
}

const RECEIPT_DATE = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

/** The email a member gets after unlocking an item: what, from whom, for how much, and where to open it. */
export function contentReceiptEmail(receipt: ContentReceipt): OutgoingEmail {
  return renderEmail({
    to: receipt.to,
    subject: `Receipt: ${receipt.title}`,
    paragraphs: [
      `Hi ${receipt.buyerName},`,
      `You unlocked "${receipt.title}" from ${receipt.stageName}. It stays in your library.`,
      [
        `Paid: ${creditsText(receipt.price)} from your wallet`,
        `Date: ${RECEIPT_DATE.format(receipt.at)} UTC`,
        `Transaction: #${receipt.transactionId.toString()}`,
      ].join("\n"),
    ],
    link: appLink(receipt.appUrl, "Open it", `/content/${receipt.itemId}`),
  });
}
