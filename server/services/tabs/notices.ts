import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { formatMinor } from "@/server/domain/money";
import { ADMINS_CHANNEL, userChannel } from "@/server/domain/realtime-events";
import { env } from "@/server/env";
import { type OutboxMessage, enqueue, transactionTag } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { appLink, creditsText, renderEmail } from "../emails/template";
import type { TabRow } from "./queries";

/**
 * What people hear when a tab changes: `tab.updated` to its member, its performer and admins (pages refetch the
 * tab), the member's balances, and emails (one receipt per capture, the amount due when a card fails). Written to
 * the outbox in the change's own transaction.
 */

async function recipients(db: Queryable, tab: TabRow): Promise<{ memberEmail: string; memberName: string; stageName: string }> {
  const { rows } = await db.query<{ email: string; display_name: string; stage_name: string | null }>(
    `SELECT m.email, m.display_name, p.stage_name FROM users m, performer_profiles p WHERE m.id = $1 AND p.user_id = $2`,
    [tab.member_id, tab.performer_id],
  );
  const row = rows[0];
  if (!row) throw new Error(`tab ${tab.id} has no member or performer`);
  return { memberEmail: row.email, memberName: row.display_name, stageName: row.stage_name ?? "the performer" };
}

export async function stageNameOf(db: Queryable, performerId: string): Promise<string> {
  const { rows } = await db.query<{ stage_name: string | null }>("SELECT stage_name FROM performer_profiles WHERE user_id = $1", [performerId]);
  return rows[0]?.stage_name ?? "the performer";
}

/** Tells both sides and admins that the tab moved, and refreshes the member's balances (their tab wallet moved too). */
export async function announceTab(db: Queryable, tab: TabRow, status: string, message: string | null, extra: readonly OutboxMessage[] = []): Promise<void> {
  const tag = await transactionTag(db);
  await enqueue(db, [
    realtimeEvent(`tab:${tab.id}:${tag}`, [userChannel(tab.member_id), userChannel(tab.performer_id), ADMINS_CHANNEL], "tab.updated", {
      tabId: tab.id,
      status,
      message,
      at: new Date().toISOString(),
    }),
    { key: `tab:${tab.id}:${tag}:wallet`, kind: "wallet-update", userId: tab.member_id },
    { key: `tab:${tab.id}:${tag}:performer-wallet`, kind: "wallet-update", userId: tab.performer_id },
    ...extra,
  ]);
}

/** The member's receipt for one capture (or for the amount due paid with another card): one per charge, by its key. */
export async function receiptEmail(
  db: Queryable,
  tab: TabRow,
  charge: { seq: number; credits: bigint; amountMinor: bigint; final: boolean; paidWith: string | null },
): Promise<OutboxMessage> {
  const who = await recipients(db, tab);
  const paragraphs = [
    `Hi ${who.memberName},`,
    `Your card tab with ${who.stageName} was charged ${formatMinor(charge.amountMinor, tab.currency)} for ${creditsText(charge.credits)}` +
      `${charge.paidWith ? `, on ${charge.paidWith}` : ""}. It appears on your statement as TIPMETER TAB.`,
    charge.final
      ? "The tab is closed and the rest of the amount held on your card is released."
      : "Your tab stays open; what you spend next is charged when it reaches the split amount or when the tab closes.",
  ];
  return {
    key: `tab:${tab.id}:charge:${charge.seq}:receipt`,
    kind: "email",
    email: renderEmail({ to: who.memberEmail, subject: `Receipt: your card tab with ${who.stageName}`, paragraphs, link: appLink(env.APP_URL, "See your tab", `/tabs/${tab.id}`) }),
  };
}

/** The member is asked to pay what the card did not, with another card. */
export async function paymentDueEmail(db: Queryable, tab: TabRow, dueCredits: bigint, failure: string): Promise<OutboxMessage> {
  const who = await recipients(db, tab);
  const due = formatMinor(dueCredits * BigInt(tab.credit_price_minor), tab.currency);
  return {
    key: `tab:${tab.id}:payment-due`,
    kind: "email",
    email: renderEmail({
      to: who.memberEmail,
      subject: `Your card tab with ${who.stageName} could not be charged`,
      paragraphs: [
        `Hi ${who.memberName},`,
        `We could not charge your card for your tab with ${who.stageName}: ${failure}`,
        `You owe ${due} (${creditsText(dueCredits)}). Until it is paid your spending on Tipmeter is paused. You can pay it with another card now.`,
      ],
      link: appLink(env.APP_URL, "Pay with another card", `/tabs/${tab.id}`),
    }),
  };
}
