import "server-only";
import { formatCredits } from "@/server/domain/money";
import type { OutgoingEmail } from "@/server/integrations/email";

/**
 * The one layout every email uses: paragraphs (a line break inside one stays a line break), then an optional
 * link, then the signature, as plain text and as HTML with everything people typed escaped. Pure, so each email's
 * wording is unit-testable without SMTP or the environment.
 */

export interface EmailLink {
  label: string;
  /** Absolute, so the link works from any mail client. */
  url: string;
}

export interface EmailContent {
  to: string;
  subject: string;
  paragraphs: readonly string[];
  link?: EmailLink;
}

const SIGNATURE = "Tipmeter";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** `path` on the app's public URL. */
export function appLink(appUrl: string, label: string, path: string): EmailLink {
  return { label, url: new URL(path, appUrl).toString() };
}

export function renderEmail({ to, subject, paragraphs, link }: EmailContent): OutgoingEmail {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), SIGNATURE].join("\n\n");
  const html = [
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : []),
    `<p>${SIGNATURE}</p>`,
  ].join("\n");
  return { to, subject, text, html };
}

/** "1 credit", "1,250 credits". */
export function creditsText(amount: bigint): string {
  return `${formatCredits(amount)} ${amount === 1n ? "credit" : "credits"}`;
}
