import nodemailer from "nodemailer";
import { env } from "@/server/env";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

let transport: nodemailer.Transporter | undefined;

function smtpTransport(): nodemailer.Transporter {
  transport ??= nodemailer.createTransport(env.SMTP_URL);
  return transport;
}

/** Sends one email through env.SMTP_URL (the local mail sink in dev and tests). Never call inside a DB transaction. */
export async function sendEmail({ to, subject, text, html }: OutgoingEmail): Promise<void> {
  await smtpTransport().sendMail({ from: env.MAIL_FROM, to, subject, text, html });
}
