import { env } from "@/server/env";
import { sendEmail } from "@/server/integrations/email";
import type { LapseReason } from "@/server/domain/memberships";
import { formatCredits } from "@/server/domain/money";

/**
 * What members are told about their memberships, sent after the change committed. Best effort: a lost email
 * loses no money or access, and /memberships always shows the truth.
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
  | (MembershipNoticeBase & { kind: "lapsed"; reason: LapseReason });

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
const when = (at: Date) => `${dateFormat.format(at)} UTC`;

function compose(notice: MembershipNotice): { subject: string; lines: string[] } {
  const manage = `Manage your memberships: ${env.APP_URL}/memberships`;
  switch (notice.kind) {
    case "receipt":
      return {
        subject: notice.renewal ? `Renewed: ${notice.planTitle}` : `Welcome to ${notice.planTitle}`,
        lines: [
          notice.renewal
            ? `Your membership of ${notice.planTitle} was renewed.`
            : `You joined ${notice.planTitle}. Enjoy your perks!`,
          `Paid: ${formatCredits(notice.price)} credits from your wallet.`,
          `Period: ${when(notice.periodStart)} to ${when(notice.periodEnd)}.`,
          `It renews automatically at the end of the period unless you cancel.`,
          manage,
        ],
      };
    case "renewal_failed":
      return {
        subject: `Renewal failed: add credits to keep ${notice.planTitle}`,
        lines: [
          `We couldn't renew your membership of ${notice.planTitle}: your wallet doesn't have the ${formatCredits(notice.price)} credits it costs.`,
          `Your access continues until ${when(notice.graceUntil)}. Add credits before then and it renews on its own.`,
          `Buy credits: ${env.APP_URL}/wallet/buy`,
          manage,
        ],
      };
    case "lapsed":
      return {
        subject: `Your membership of ${notice.planTitle} ended`,
        lines: [
          {
            cancelled: `Your cancelled membership of ${notice.planTitle} reached the end of its paid period and has ended. Nothing more will be charged.`,
            grace_ended: `Your membership of ${notice.planTitle} ended: the renewal couldn't be paid before the grace period ran out. Nothing was charged.`,
            plan_retired: `Your membership of ${notice.planTitle} ended with its paid period, because the plan is no longer offered. Nothing more will be charged.`,
          }[notice.reason],
          `You can join again any time: ${env.APP_URL}/memberships`,
        ],
      };
  }
}

export async function sendMembershipNotice(notice: MembershipNotice): Promise<void> {
  const { subject, lines } = compose(notice);
  try {
    await sendEmail({ to: notice.to, subject, text: [`Hi ${notice.memberName},`, "", ...lines].join("\n") });
  } catch (error) {
    console.error(`membership email "${subject}" to ${notice.to} not sent`, error);
  }
}
