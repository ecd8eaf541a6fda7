import "server-only";
import type { OutgoingEmail } from "@/server/integrations/email";
import { appLink, creditsText, renderEmail } from "../emails/template";

/** Emails about a person's account: the welcome, their performer application's decision, credits received. */

interface Recipient {
  to: string;
  name: string;
  appUrl: string;
}

export function welcomeEmail(recipient: Recipient & { username: string; appliedAsPerformer: boolean }): OutgoingEmail {
  return renderEmail({
    to: recipient.to,
    subject: "Welcome to Tipmeter",
    paragraphs: [
      `Hi ${recipient.name},`,
      `Your Tipmeter account @${recipient.username} is ready. Buy credits for your wallet, then tip performers, join their fan clubs and unlock their content.`,
      ...(recipient.appliedAsPerformer ? ["We received your performer application too; we'll email you as soon as an admin has reviewed it."] : []),
    ],
    link: appLink(recipient.appUrl, "Your wallet", "/wallet"),
  });
}

/** Sent instead of an error when someone signs up with an email that already has an account. */
export function signUpAttemptEmail(recipient: Recipient & { username: string }): OutgoingEmail {
  return renderEmail({
    to: recipient.to,
    subject: "Someone tried to sign up with your email",
    paragraphs: [
      `Hi ${recipient.name},`,
      `Someone just tried to create a new Tipmeter account with this email address, which already belongs to your account @${recipient.username}. No new account was made.`,
      "If it was you, sign in with your existing account instead. If you've forgotten your password, reply to this email and we'll help you back in.",
      "If it wasn't you, you can ignore this message: your account is unchanged.",
    ],
    link: appLink(recipient.appUrl, "Sign in", "/sign-in"),
  });
}

export function applicationDecisionEmail(
  recipient: Recipient & { stageName: string; decision: "APPROVE" | "REJECT"; note: string | null },
): OutgoingEmail {
  if (recipient.decision === "APPROVE") {
    return renderEmail({
      to: recipient.to,
      subject: "Your performer application is approved",
      paragraphs: [
        `Hi ${recipient.name},`,
        `Welcome aboard, ${recipient.stageName}: your performer application is approved and your profile is public now.`,
        ...(recipient.note ? [`A note from the team: ${recipient.note}`] : []),
        "Set your prices, go live and add your payout details to withdraw what you earn.",
      ],
      link: appLink(recipient.appUrl, "Your performer dashboard", "/performer"),
    });
  }
  return renderEmail({
    to: recipient.to,
    subject: "Your performer application was not approved",
    paragraphs: [
      `Hi ${recipient.name},`,
      `We couldn't approve your performer application as ${recipient.stageName} this time.`,
      `The reviewer's note: ${recipient.note ?? "(none)"}`,
      "You can update your application and apply again from your account page.",
    ],
    link: appLink(recipient.appUrl, "Your account", "/account"),
  });
}

export function transferReceivedEmail(
  recipient: Recipient & { senderName: string; senderUsername: string; amount: bigint; note: string | null },
): OutgoingEmail {
  return renderEmail({
    to: recipient.to,
    subject: `${recipient.senderName} sent you ${creditsText(recipient.amount)}`,
    paragraphs: [
      `Hi ${recipient.name},`,
      `${recipient.senderName} (@${recipient.senderUsername}) sent you ${creditsText(recipient.amount)}. They are in your wallet now, ready to spend.`,
      ...(recipient.note ? [`Their note: “${recipient.note}”`] : []),
    ],
    link: appLink(recipient.appUrl, "Your wallet", "/wallet"),
  });
}

/** The one-time link a new account follows before it can sign in. */
export function confirmEmailEmail(recipient: Recipient & { username: string; token: string; validHours: number }): OutgoingEmail {
  return renderEmail({
    to: recipient.to,
    subject: "Confirm your email for Tipmeter",
    paragraphs: [
      `Hi ${recipient.name},`,
      `Confirm that this address is yours to finish creating your Tipmeter account @${recipient.username}. Then sign in with the password you chose.`,
      `The link works once, for ${recipient.validHours} hours. If you didn't sign up, ignore this email: no account is used until it is confirmed.`,
    ],
    link: appLink(recipient.appUrl, "Confirm my email", `/confirm-email?${new URLSearchParams({ token: recipient.token }).toString()}`),
  });
}
