import "server-only";
import { env } from "@/server/env";
import type { LapseReason } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";
import type { OutboxMessage } from "@/server/outbox/messages";
import { type EmailLink, appLink, renderEmail } from "../emails/template";

/**
 * What members are told about their memberships, written to the outbox with the change they announce;
 * /memberships always shows the truth.
 */

export interface MembershipNoticeBase {
  to: string;
  memberName: string;
  /** "Luna's Inner Circle (Luna Vale)" or the site plan's name. */
  planTitle: string;
}

export type MembershipNotice =
  | (MembershipNoticeBase & { kind: "receipt"; renewal: boolean; price: bigint; periodStart: Date; periodEnd: Date })
  | (MembershipNoticeBase & { kind: "renewal_failed"; price: bigint; graceUntil: Date })
  | (MembershipNoticeBase & { kind: "lapsed"; reason: LapseReason })
  /** The member cancelled: access lasts until `accessUntil`, or ended now (a membership in grace had nothing paid). */
  | (MembershipNoticeBase & { kind: "cancelled"; accessUntil: Date | null });

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
const when = (at: Date) => `${dateFormat.format(at)} UTC`;

function compose(notice: MembershipNotice): { subject: string; paragraphs: string[]; link: EmailLink } {
  const manage = appLink(env.APP_URL, "Manage your memberships", "/memberships");
  switch (notice.kind) {
    case "receipt":
      return {
        subject: notice.renewal ? `Renewed: ${notice.planTitle}` : `Welcome to ${notice.planTitle}`,
        paragraphs: [
          notice.renewal
            ? `Your membership of ${notice.planTitle} was renewed.`
            : `You joined ${notice.planTitle}. Enjoy your perks!`,
          `Paid: ${formatCredits(notice.price)} credits from your wallet.\nPeriod: ${when(notice.periodStart)} to ${when(notice.periodEnd)}.`,
          `It renews automatically at the end of the period unless you cancel.`,
        ],
        link: manage,
      };
    case "renewal_failed":
      return {
        subject: `Renewal failed: add credits to keep ${notice.planTitle}`,
        paragraphs: [
          `We couldn't renew your membership of ${notice.planTitle}: your wallet doesn't have the ${formatCredits(notice.price)} credits it costs.`,
          `Your access continues until ${when(notice.graceUntil)}. Add credits before then and it renews on its own.`,
        ],
        link: appLink(env.APP_URL, "Buy credits", "/wallet/buy"),
      };
    case "lapsed":
      return {
        subject: `Your membership of ${notice.planTitle} ended`,
        paragraphs: [
          {
            cancelled: `Your cancelled membership of ${notice.planTitle} reached the end of its paid period and has ended. Nothing more will be charged.`,
            grace_ended: `Your membership of ${notice.planTitle} ended: the renewal couldn't be paid before the grace period ran out. Nothing was charged.`,
            plan_retired: `Your membership of ${notice.planTitle} ended with its paid period, because the plan is no longer offered. Nothing more will be charged.`,
          }[notice.reason],
          "You can join again any time.",
        ],
        link: manage,
      };
    case "cancelled":
      return {
        subject: `Cancelled: ${notice.planTitle}`,
        paragraphs: notice.accessUntil
          ? [
              `You cancelled your membership of ${notice.planTitle}. Nothing more will be charged.`,
              `Your access lasts until ${when(notice.accessUntil)}, the end of the period you paid for. You can resume it before then.`,
            ]
          : [
              `You cancelled your membership of ${notice.planTitle}. It was waiting for a renewal payment, so it has ended now and nothing was charged.`,
              "You can join again any time.",
            ],
        link: manage,
      };
  }
}

/** The notice as an outbox email; `key` names the event it is about, which happens once. */
export function membershipNoticeMessage(key: string, notice: MembershipNotice): OutboxMessage {
  const { subject, paragraphs, link } = compose(notice);
  return { key, kind: "email", email: renderEmail({ to: notice.to, subject, paragraphs: [`Hi ${notice.memberName},`, ...paragraphs], link }) };
}
