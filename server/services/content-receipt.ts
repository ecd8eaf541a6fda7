import { formatCredits } from "@/server/domain/money";
import type { OutgoingEmail } from "@/server/integrations/email";

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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The email a member gets after unlocking an item: what, from whom, for how much, and where to open it. */
export function contentReceiptEmail(receipt: ContentReceipt): OutgoingEmail {
  const link = new URL(`/content/${receipt.itemId}`, receipt.appUrl).toString();
  const credits = `${formatCredits(receipt.price)} ${receipt.price === 1n ? "credit" : "credits"}`;
  const when = `${RECEIPT_DATE.format(receipt.at)} UTC`;
  const text = [
    `Hi ${receipt.buyerName},`,
    "",
    `You unlocked "${receipt.title}" from ${receipt.stageName}. It stays in your library.`,
    "",
    `Paid: ${credits} from your wallet`,
    `Date: ${when}`,
    `Transaction: #${receipt.transactionId.toString()}`,
    "",
    `Open it: ${link}`,
    "",
    "Tipmeter",
  ].join("\n");
  const html = [
    `<p>Hi ${escapeHtml(receipt.buyerName)},</p>`,
    `<p>You unlocked <strong>${escapeHtml(receipt.title)}</strong> from ${escapeHtml(receipt.stageName)}. It stays in your library.</p>`,
    "<table>",
    `<tr><td>Paid</td><td>${credits} from your wallet</td></tr>`,
    `<tr><td>Date</td><td>${escapeHtml(when)}</td></tr>`,
    `<tr><td>Transaction</td><td>#${receipt.transactionId.toString()}</td></tr>`,
    "</table>",
    `<p><a href="${escapeHtml(link)}">Open it</a></p>`,
  ].join("\n");
  return { to: receipt.to, subject: `Receipt: ${receipt.title}`, text, html };
}
