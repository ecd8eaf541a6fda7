import { randomUUID } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import PostalMime, { type Address } from "postal-mime";
import { SMTPServer } from "smtp-server";
import { inboxPage } from "./inbox-page";

/** One captured email as the HTTP API returns it. */
export interface CapturedMessage {
  id: string;
  receivedAt: string;
  /** SMTP envelope sender and recipients: who the message was actually delivered to. */
  envelope: { from: string | null; to: string[] };
  from: string | null;
  to: string[];
  subject: string;
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
}

export interface MailSinkOptions {
  smtpPort: number;
  httpPort: number;
}

export interface MailSink {
  smtpUrl: string;
  url: string;
  close(): Promise<void>;
}

// Enough for any test run or dev session; older messages drop off so a long-running sink cannot grow forever.
const MAX_MESSAGES = 500;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const HOST = "127.0.0.1";

function addressesOf(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((entry) => (entry.group ? entry.group.map((m) => m.address) : [entry.address]));
}

// The line break before a MIME boundary belongs to the boundary, not to the body the sender wrote.
function withoutPartBreak(body: string | undefined): string | null {
  return body === undefined ? null : body.replace(/\r?\n$/, "");
}

async function parseMessage(raw: Buffer, envelope: CapturedMessage["envelope"]): Promise<CapturedMessage> {
  const email = await PostalMime.parse(raw);
  const headers: Record<string, string> = {};
  for (const header of email.headers) {
    headers[header.key] = headers[header.key] === undefined ? header.value : `${headers[header.key]}, ${header.value}`;
  }
  const from = email.from ? (addressesOf([email.from])[0] ?? null) : null;
  return {
    id: randomUUID(),
    receivedAt: new Date().toISOString(),
    envelope,
    from,
    to: addressesOf(email.to),
    subject: email.subject ?? "",
    headers,
    text: withoutPartBreak(email.text),
    html: withoutPartBreak(email.html),
  };
}

function isAddressedTo(message: CapturedMessage, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  return [...message.envelope.to, ...message.to].some((recipient) => recipient.toLowerCase() === wanted);
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function portInUse(service: string, port: number) {
  return (error: NodeJS.ErrnoException) =>
    error.code === "EADDRINUSE" ? new Error(`${service}: port ${port} on ${HOST} is already in use`) : error;
}

function listenHttp(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) => reject(portInUse("mail sink HTTP", port)(error)));
    server.listen(port, HOST, resolve);
  });
}

// SMTPServer re-emits both listen failures and client connection errors as "error"; only the first kind is fatal.
function listenSmtp(smtp: SMTPServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let listening = false;
    smtp.on("error", (error) => {
      if (listening) console.error(`mail sink SMTP: ${error.message}`);
      else reject(portInUse("mail sink SMTP", port)(error));
    });
    smtp.listen(port, HOST, () => {
      listening = true;
      resolve();
    });
  });
}

/**
 * A local SMTP server that keeps every message in memory and shows them over HTTP: JSON for tests
 * (`GET /messages[?to=]` newest first, `GET /messages/:id`, `DELETE /messages`) and an inbox page at `/`.
 */
export async function startMailSink({ smtpPort, httpPort }: MailSinkOptions): Promise<MailSink> {
  let messages: CapturedMessage[] = [];

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    banner: "Tipmeter mail sink",
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
        };
        parseMessage(Buffer.concat(chunks), envelope).then(
          (message) => {
            messages = [message, ...messages].slice(0, MAX_MESSAGES);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  const api = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", `http://${HOST}:${httpPort}`);
    const messageId = /^\/messages\/([^/]+)$/.exec(url.pathname)?.[1];

    if (request.method === "GET" && url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      response.end(inboxPage());
    } else if (request.method === "GET" && url.pathname === "/messages") {
      const to = url.searchParams.get("to");
      sendJson(response, 200, to ? messages.filter((message) => isAddressedTo(message, to)) : messages);
    } else if (request.method === "DELETE" && url.pathname === "/messages") {
      messages = [];
      sendJson(response, 200, { deleted: true });
    } else if (request.method === "GET" && messageId !== undefined) {
      const message = messages.find((candidate) => candidate.id === decodeURIComponent(messageId));
      if (message) sendJson(response, 200, message);
      else sendJson(response, 404, { error: "message not found" });
    } else {
      sendJson(response, 404, { error: "not found" });
    }
  });

  await listenSmtp(smtp, smtpPort);
  try {
    await listenHttp(api, httpPort);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(resolve));
    throw error;
  }

  const boundSmtpPort = (smtp.server.address() as net.AddressInfo).port;
  const boundHttpPort = (api.address() as net.AddressInfo).port;

  return {
    smtpUrl: `smtp://${HOST}:${boundSmtpPort}`,
    url: `http://${HOST}:${boundHttpPort}`,
    async close() {
      api.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => api.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(resolve)),
      ]);
    },
  };
}
