import { afterAll, beforeAll, expect, it } from "vitest";
import { type CapturedMessage, type MailSink, startMailSink } from "@/server/local/mail/server";

let sink: MailSink;

beforeAll(async () => {
  sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  process.env.SMTP_URL = sink.smtpUrl;
  process.env.MAIL_FROM = "Tipmeter Test <test-sender@tipmeter.test>";
  // server/env.ts requires a database URL; nothing here connects to it.
  process.env.DATABASE_URL ??= "postgres://unused@127.0.0.1:1/unused";
});

afterAll(async () => {
  await sink.close();
});

it("sendEmail delivers through SMTP_URL with MAIL_FROM as the sender", async () => {
  const { sendEmail } = await import("@/server/integrations/email");

  await sendEmail({ to: "performer1@tipmeter.test", subject: "Payout sent", text: "Paid.", html: "<p>Paid.</p>" });

  const response = await fetch(`${sink.url}/messages?to=performer1@tipmeter.test`);
  const messages = (await response.json()) as CapturedMessage[];
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({
    envelope: { from: "test-sender@tipmeter.test", to: ["performer1@tipmeter.test"] },
    subject: "Payout sent",
    html: "<p>Paid.</p>",
  });
});
