import "server-only";
import { formatMeterDuration } from "@/server/domain/metering";
import { type ShowEndReason, endReasonText } from "@/server/domain/shows";
import type { ShowKind } from "@/server/generated/prisma/enums";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText as credits, renderEmail } from "../emails/template";

/**
 * What each side is told when a show ends, sent after the settlement committed. Best effort: a lost email loses no
 * money, and both sides' show history always shows the truth.
 */

const SHOW_NAME: Record<ShowKind, string> = { PRIVATE: "private show", GROUP: "group show" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

export interface ShowReceipt {
  to: string;
  memberName: string;
  stageName: string;
  kind: ShowKind;
  pricePerMinute: bigint;
  meteredSeconds: number;
  charged: bigint;
  endReason: ShowEndReason | null;
  endedAt: Date;
  appUrl: string;
}

/** The member's receipt: how long, at what price, what was charged. */
export function showReceiptEmail(receipt: ShowReceipt): OutgoingEmail {
  const why = receipt.endReason ? ` (${endReasonText(receipt.endReason, "member")})` : "";
  return renderEmail({
    to: receipt.to,
    subject: `Receipt: ${SHOW_NAME[receipt.kind]} with ${receipt.stageName}`,
    paragraphs: [
      `Hi ${receipt.memberName},`,
      `Your ${SHOW_NAME[receipt.kind]} with ${receipt.stageName} ended${why}.`,
      [
        `Duration: ${formatMeterDuration(receipt.meteredSeconds)}`,
        `Price: ${credits(receipt.pricePerMinute)} a minute`,
        `Charged: ${credits(receipt.charged)} from your wallet`,
        `Ended: ${dateFormat.format(receipt.endedAt)} UTC`,
      ].join("\n"),
    ],
    link: appLink(receipt.appUrl, "Your shows", "/shows"),
  });
}

export interface ShowRevenueNote {
  to: string;
  stageName: string;
  kind: ShowKind;
  members: number;
  meteredSeconds: number;
  charged: bigint;
  earned: bigint;
  endReason: ShowEndReason | null;
  endedAt: Date;
  appUrl: string;
}

/** The performer's note: what the show brought in and their share, waiting in pending earnings. */
export function showRevenueEmail(note: ShowRevenueNote): OutgoingEmail {
  const why = note.endReason ? ` (${endReasonText(note.endReason, "performer")})` : "";
  const audience = note.kind === "GROUP" ? [`Members: ${note.members}`] : [];
  return renderEmail({
    to: note.to,
    subject: `Your ${SHOW_NAME[note.kind]} earned ${credits(note.earned)}`,
    paragraphs: [
      `Hi ${note.stageName},`,
      `Your ${SHOW_NAME[note.kind]} ended${why}.`,
      [
        ...audience,
        `Metered time: ${formatMeterDuration(note.meteredSeconds)}`,
        `Charged to members: ${credits(note.charged)}`,
        `Your share: ${credits(note.earned)}, in your pending earnings`,
        `Ended: ${dateFormat.format(note.endedAt)} UTC`,
      ].join("\n"),
    ],
    link: appLink(note.appUrl, "Your shows", "/performer/shows"),
  });
}
