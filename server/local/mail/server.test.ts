import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CapturedMessage, type MailSink, startMailSink } from "./server";

let sink: MailSink;

beforeAll(async () => {
  sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
});

afterAll(async () => {
  await sink.close();
});

beforeEach(async () => {
  await fetch(`${sink.url}/messages`, { method: "DELETE" });
});

async function listMessages(query = ""): Promise<CapturedMessage[]> {
  const response = await fetch(`${sink.url}/messages${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as CapturedMessage[];
}

async function send(message: nodemailer.SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport(sink.smtpUrl);
  await transport.sendMail({ from: "Tipmeter <no-reply@tipmeter.test>", ...message });
  transport.close();
}

describe("mail sink", () => {
  it("captures headers, text and html parts of a message sent through nodemailer", async () => {
    await send({
      to: "Member One <member1@tipmeter.test>",
      subject: "Your credits are in — 500 ✓",
      text: "Hello member,\n500 credits were added.",
      html: "<p>Hello <b>member</b>, 500 credits were added.</p>",
      headers: { "X-Tipmeter-Kind": "purchase" },
    });

    const [message, ...rest] = await listMessages();
    expect(rest).toHaveLength(0);
    expect(message).toMatchObject({
      envelope: { from: "no-reply@tipmeter.test", to: ["member1@tipmeter.test"] },
      from: "no-reply@tipmeter.test",
      to: ["member1@tipmeter.test"],
      subject: "Your credits are in — 500 ✓",
      html: "<p>Hello <b>member</b>, 500 credits were added.</p>",
    });
    expect(message?.text).toBe("Hello member,\n500 credits were added.");
    expect(message?.headers["x-tipmeter-kind"]).toBe("purchase");

    const single = await fetch(`${sink.url}/messages/${message?.id}`);
    expect(await single.json()).toEqual(message);
  });

  it("lists newest first and filters by recipient, case-insensitively", async () => {
    await send({ to: "member1@tipmeter.test", subject: "first", text: "1" });
    await send({ to: "member2@tipmeter.test", subject: "second", text: "2" });
    await send({ to: "member1@tipmeter.test", subject: "third", text: "3" });

    expect((await listMessages()).map((m) => m.subject)).toEqual(["third", "second", "first"]);
    expect((await listMessages("?to=MEMBER1@tipmeter.test")).map((m) => m.subject)).toEqual(["third", "first"]);
    expect(await listMessages("?to=nobody@tipmeter.test")).toEqual([]);
  });

  it("deletes all messages and answers 404 for an unknown id", async () => {
    await send({ to: "member1@tipmeter.test", subject: "gone soon", text: "x" });
    const deleted = await fetch(`${sink.url}/messages`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await listMessages()).toEqual([]);
    expect((await fetch(`${sink.url}/messages/does-not-exist`)).status).toBe(404);
  });

  it("serves the developer inbox page", async () => {
    const response = await fetch(`${sink.url}/`);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("Tipmeter mail sink");
  });

  it("names the service and port when the port is taken", async () => {
    const smtpPort = Number(new URL(sink.smtpUrl).port);
    await expect(startMailSink({ smtpPort, httpPort: 0 })).rejects.toThrow(
      `mail sink SMTP: port ${smtpPort} on 127.0.0.1 is already in use`,
    );
  });
});
