import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { PAYOUT_METHOD_LABELS } from "@/server/domain/payouts";
import { env } from "@/server/env";
import type { WithdrawalStatus } from "@/server/generated/prisma/enums";
import type { OutgoingEmail } from "@/server/integrations/email";
import { ADMINS_CHANNEL, userChannel } from "@/server/domain/realtime-events";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { appLink, renderEmail } from "../emails/template";
import { selectStatusEmailFacts } from "./queries";
import type { StatusNotice } from "./withdrawal-state";

/**
 * What a withdrawal's status change tells people: an email to the performer for every change, the new status to
 * the performer's and the admins' open pages, and a wallet update. Written to the outbox in the change's own
 * transaction; a withdrawal reaches each status at most once, which keys each message.
 */

interface EmailFacts {
  credits: string;
  net: string;
  fee: string;
  method: string;
  reference: string | null;
  reason: string | null;
  note: string | null;
}

const MESSAGES: Record<WithdrawalStatus, (facts: EmailFacts) => { subject: string; body: string }> = {
  REQUESTED: (facts) => ({
    subject: `Withdrawal requested: ${facts.credits} credits`,
    body:
      `We received your request to withdraw ${facts.credits} credits: ${facts.net} to your ${facts.method} after a ${facts.fee} fee. ` +
      "The credits are held until the withdrawal is paid. An admin reviews every request; we'll email you at each step.",
  }),
  APPROVED: (facts) => ({
    subject: `Withdrawal approved: ${facts.net}`,
    body: `Your withdrawal of ${facts.credits} credits was approved. ${facts.net} goes to your ${facts.method}; we'll email you when it's paid.`,
  }),
  PROCESSING: (facts) => ({
    subject: `Withdrawal on its way: ${facts.net}`,
    body: `${facts.net} for your withdrawal of ${facts.credits} credits is on its way to your bank through Stripe.`,
  }),
  PAID: (facts) => ({
    subject: `Withdrawal paid: ${facts.net}`,
    body: `Your withdrawal of ${facts.credits} credits is paid: ${facts.net} to your ${facts.method}.${facts.reference ? ` Reference: ${facts.reference}.` : ""}`,
  }),
  REJECTED: (facts) => ({
    subject: "Withdrawal rejected",
    body: `Your withdrawal of ${facts.credits} credits was rejected${facts.reason ? `: ${facts.reason}` : "."} The credits are back in your Earnings wallet.`,
  }),
  CANCELLED: (facts) => ({
    subject: "Withdrawal cancelled",
    body: `You cancelled your withdrawal of ${facts.credits} credits. The credits are back in your Earnings wallet.`,
  }),
  FAILED: (facts) => ({
    subject: "Withdrawal failed: credits returned",
    body:
      `The payout of ${facts.net} for your withdrawal of ${facts.credits} credits failed${facts.note ? ` (${facts.note})` : ""}. ` +
      "The credits are back in your Earnings wallet. Check your payout details before requesting again.",
  }),
  NEEDS_RECONCILIATION: (facts) => ({
    subject: "Withdrawal failed: under review",
    body:
      `The payout of ${facts.net} for your withdrawal of ${facts.credits} credits failed${facts.note ? ` (${facts.note})` : ""}, ` +
      "and the money is still in your Stripe account. The credits stay held while we sort it out; we'll email you when it is settled.",
  }),
};

async function statusEmail(db: Queryable, notice: StatusNotice): Promise<OutgoingEmail | null> {
  const row = await selectStatusEmailFacts(db, notice.withdrawalId, notice.status);
  if (!row) return null;
  const { subject, body } = MESSAGES[notice.status]({
    credits: formatCredits(BigInt(row.credits)),
    net: formatMinor(BigInt(row.net_minor), row.currency),
    fee: formatMinor(BigInt(row.fee_minor), row.currency),
    method: PAYOUT_METHOD_LABELS[row.method],
    reference: row.reference,
    reason: row.reason,
    note: row.note,
  });
  return renderEmail({
    to: row.email,
    subject,
    paragraphs: [`Hi ${row.display_name},`, body],
    link: appLink(env.APP_URL, "Your withdrawals", "/performer/withdrawals"),
  });
}

/** Call inside the transaction that made the change. */
export async function announceWithdrawalChange(db: Queryable, notice: StatusNotice): Promise<void> {
  const about = `withdrawal:${notice.withdrawalId}:${notice.status}`;
  const email = await statusEmail(db, notice);
  const messages: OutboxMessage[] = [
    realtimeEvent(`${about}:status`, [userChannel(notice.performerId), ADMINS_CHANNEL], "withdrawal.updated", { id: notice.withdrawalId, status: notice.status }),
    { key: `${about}:wallet`, kind: "wallet-update", userId: notice.performerId },
  ];
  if (email) messages.unshift({ key: `${about}:email`, kind: "email", email });
  await enqueue(db, messages);
}
