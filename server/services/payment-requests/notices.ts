import "server-only";
import { randomUUID } from "node:crypto";
import type { Queryable } from "@/server/db/transaction";
import { PAYMENT_REQUEST_TYPE_LABELS } from "@/server/domain/payment-requests";
import { type PaymentRequestUpdatedPayload, userChannel } from "@/server/domain/realtime-events";
import { formatMinor } from "@/server/domain/money";
import { env } from "@/server/env";
import type { OutgoingEmail } from "@/server/integrations/email";
import { type OutboxMessage, enqueue } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { appLink, creditsText, renderEmail } from "../emails/template";
import { type PaymentRequestListRow, selectRequestDetails } from "./queries";

/**
 * What both sides of a request hear when it changes: the change on each one's private channel (their room's chat
 * and lists refetch it), and once paid, both wallets and a receipt email each. Written to the outbox in the
 * change's own transaction; each key names the request and the change, which happens once, except the shipping
 * address: the member may correct it as often as they like, and each correction's key names it apart (the outbox
 * would drop a second message under the first one's key, and nobody would see the correction).
 */

export type PaymentRequestChange = PaymentRequestUpdatedPayload["change"];

function email(to: string, subject: string, paragraphs: string[], path: string): OutgoingEmail {
  return renderEmail({ to, subject, paragraphs, link: appLink(env.APP_URL, "Your payment requests", path) });
}

function paidWith(request: PaymentRequestListRow): string {
  if (request.paid_wallet_type_id) return `Paid from the ${request.wallet_name ?? "wallet"} wallet: ${creditsText(BigInt(request.amount))}`;
  const card = request.card_amount_minor && request.currency ? `${formatMinor(BigInt(request.card_amount_minor), request.currency)} ` : "";
  return `Paid by card: ${card}(${creditsText(BigInt(request.amount))})`;
}

/** The member's receipt and the performer's notice of a paid request, with what comes next for its type. */
export function receiptEmails(request: PaymentRequestListRow): { member: OutgoingEmail; performer: OutgoingEmail } {
  const what = `"${request.description}" (${PAYMENT_REQUEST_TYPE_LABELS[request.type].toLowerCase()})`;
  const memberNext =
    request.type === "SERVICE"
      ? `${request.stage_name} can start the service now; you'll see when it starts and finishes in the room.`
      : "Give your shipping address on your payment requests page so it can be sent to you.";
  const share = request.performer_share ? [`Your share after the platform fee: ${creditsText(BigInt(request.performer_share))}, in your pending earnings.`] : [];
  return {
    member: email(
      request.member_email,
      `Receipt: ${request.description}`,
      [`Hi ${request.member_name},`, `You paid ${request.stage_name}'s request for ${what}.`, paidWith(request), memberNext],
      "/payment-requests",
    ),
    performer: email(
      request.performer_email,
      `Payment received: ${request.description}`,
      [`${request.member_name} paid your request for ${what}: ${creditsText(BigInt(request.amount))}.`, ...share],
      "/performer/payment-requests",
    ),
  };
}

/** Call inside the transaction that made `change`. */
export async function announceRequestChange(db: Queryable, requestId: string, change: PaymentRequestChange): Promise<void> {
  const request = await selectRequestDetails(db, requestId);
  if (!request) throw new Error(`payment request ${requestId} vanished`);
  await enqueue(db, requestChangeMessages(request, change));
}

/**
 * What the outbox message of a request paid in one statement (from a wallet, paying.ts; by a paid checkout,
 * card-events.ts) stands for, as the relay
 * delivers it: the messages announceRequestChange writes for a payment, with the same keys and content, read from
 * the request at delivery. Null for a request that does not exist.
 */
export async function paidRequestAnnouncements(db: Queryable, requestId: string): Promise<OutboxMessage[] | null> {
  const request = await selectRequestDetails(db, requestId);
  if (!request) return null;
  return requestChangeMessages(request, "paid");
}

function requestChangeMessages(request: PaymentRequestListRow, change: PaymentRequestChange): OutboxMessage[] {
  const about = change === "shipping" ? `payment-request:${request.id}:shipping:${randomUUID()}` : `payment-request:${request.id}:${change}`;
  const payload: PaymentRequestUpdatedPayload = {
    id: request.id,
    performerId: request.performer_id,
    memberId: request.member_id,
    status: request.status,
    change,
  };
  const messages: OutboxMessage[] = [
    realtimeEvent(`${about}:updated`, [userChannel(request.member_id), userChannel(request.performer_id)], "payment_request.updated", payload),
  ];
  if (change === "paid") {
    const receipts = receiptEmails(request);
    messages.push(
      { key: `${about}:wallet:${request.member_id}`, kind: "wallet-update", userId: request.member_id },
      { key: `${about}:wallet:${request.performer_id}`, kind: "wallet-update", userId: request.performer_id },
      { key: `${about}:receipt:member`, kind: "email", email: receipts.member },
      { key: `${about}:receipt:performer`, kind: "email", email: receipts.performer },
    );
  }
  return messages;
}
