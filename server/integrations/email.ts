import "server-only";
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

/**
 * Pooled: connections are kept and reused, up to 5 at once, so the outbox relay sends a batch in parallel without a
 * handshake per email. SMTP_URL's own query options (`?pool=false`, `?maxConnections=10`) win.
 */
function smtpTransport(): nodemailer.Transporter {
  if (!transport) {
    const url = new URL(env.SMTP_URL);
    if (!url.searchParams.has("pool")) url.searchParams.set("pool", "true");
    transport = nodemailer.createTransport(url.toString());
  }
  return transport;
}

/** Sends one email through env.SMTP_URL (the local mail sink in dev and tests). Never call inside a DB transaction. */
export async function sendEmail({ to, subject, text, html, messageId }: OutgoingEmail): Promise<void> {
  await smtpTransport().sendMail({ from: env.MAIL_FROM, to, subject, text, html, messageId });
}
