import nodemailer from "nodemailer";
import { env } from "@/server/env";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The Message-ID header; the outbox sets one derived from its key so a redelivery is the same message. */
  messageId?: string;
}

let transport: nodemailer.Transporter | undefined;

function smtpTransport(): nodemailer.Transporter {
  transport ??= nodemailer.createTransport(env.SMTP_URL);
  return transport;
}

/** Sends one email through env.SMTP_URL (the local mail sink in dev and tests). Never call inside a DB transaction. */
export async function sendEmail({ to, subject, text, html, messageId }: OutgoingEmail): Promise<void> {
  await smtpTransport().sendMail({ from: env.MAIL_FROM, to, subject, text, html, messageId });
}
