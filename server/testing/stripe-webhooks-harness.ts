import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { startStripeEmulator, type StripeEmulatorOptions } from "@/server/local/stripe/server";
import { waitFor } from "@/server/local/stripe/testing";

/**
 * Integration-test support for Stripe flows below the browser: the emulator, whose signed webhooks reach the app's
 * real route handler through a local receiver. Start it before importing app modules: it points the app's
 * environment at the emulator, and server/env parses once, at first import.
 */

export interface WebhookDelivery {
  body: string;
  signature: string;
}

/** The app route's answer to one processed delivery, and which event it answered. */
export interface WebhookOutcome {
  status: number;
  body: string;
  eventType: string;
  /** The id of the event's object (`cs_...`, `pi_...`). */
  objectId: string;
}

export interface EmulatorEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

export interface StripeWebhooksHarness {
  emulatorUrl: string;
  /** Answers to the deliveries the route processed, in arrival order. */
  outcomes: WebhookOutcome[];
  /** Deliveries acknowledged but not processed while held, for a test to deliver in any order. */
  held: WebhookDelivery[];
  /** From now on keeps deliveries in `held` (emptied first) instead of processing them. */
  hold(): void;
  /** Processes deliveries again; those already held stay in `held`. */
  release(): void;
  /** Posts a delivery to the app's webhook route, as Stripe would. */
  deliver(body: string, signature: string): Promise<Response>;
  /** Pays checkout `sessionId` at the emulator and returns the deliveries of `types` about it, held rather than processed. */
  payHeld(sessionId: string, types: string[], outcome?: "pay" | "delayed" | "delayed_fail"): Promise<WebhookDelivery[]>;
  /** Delivers a held delivery and returns the outcome the route answered with; throws unless it answered 200. */
  outcomeOf(delivery: WebhookDelivery): Promise<string>;
  /**
   * Waits until the route has answered a delivery of `eventType` about `objectId`. The route answers only after
   * its handler finished, emails and realtime events included, so a test that waits here sees all of them.
   */
  answered(eventType: string, objectId: string): Promise<WebhookOutcome>;
  /** Calls a /_emulator test control and returns its JSON answer; throws unless it succeeded. */
  control(path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Calls a /_emulator test control and returns the response as it is. */
  controlResponse(path: string, body?: Record<string, unknown>): Promise<Response>;
  /** The events the emulator has emitted, of `type` when given. */
  events(type?: string): Promise<EmulatorEvent[]>;
  close(): Promise<void>;
}

export async function startStripeWebhooksHarness(options: {
  apiKey: string;
  webhookSecret: string;
  emulator?: Partial<StripeEmulatorOptions>;
}): Promise<StripeWebhooksHarness> {
  const { apiKey, webhookSecret } = options;
  const outcomes: WebhookOutcome[] = [];
  const held: WebhookDelivery[] = [];
  let holding = false;

  async function deliver(body: string, signature: string): Promise<Response> {
    const { POST } = await import("@/app/api/webhooks/stripe/route");
    return POST(
      new NextRequest("http://127.0.0.1/api/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body,
      }),
    );
  }

  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(request.headers["stripe-signature"] ?? "");
      if (holding) {
        held.push({ body, signature });
        response.writeHead(200).end();
        return;
      }
      const answer = await deliver(body, signature);
      const text = await answer.text();
      const event = JSON.parse(body) as EmulatorEvent;
      outcomes.push({ status: answer.status, body: text, eventType: event.type, objectId: String(event.data.object.id) });
      response.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));

  const emulator = await startStripeEmulator({
    port: 0,
    apiKey,
    webhookSecret,
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
    webhookRetryDelaysMs: [200, 400],
    log: () => undefined,
    ...options.emulator,
  });
  Object.assign(process.env, {
    STRIPE_API_URL: emulator.url,
    STRIPE_SECRET_KEY: apiKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    // Where Checkout sends the browser back; nothing listens there, and the tests follow no redirects.
    APP_URL: "http://127.0.0.1:3999",
  });

  function controlResponse(path: string, body: Record<string, unknown> = {}): Promise<Response> {
    return fetch(`${emulator.url}/_emulator${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  return {
    emulatorUrl: emulator.url,
    outcomes,
    held,
    hold() {
      holding = true;
      held.length = 0;
    },
    release() {
      holding = false;
    },
    deliver,
    controlResponse,
    async payHeld(sessionId, types, outcome = "pay") {
      holding = true;
      held.length = 0;
      try {
        const paid = await controlResponse(`/checkout/sessions/${sessionId}/pay`, { outcome });
        if (!paid.ok) throw new Error(`paying ${sessionId}: ${paid.status} ${await paid.text()}`);
        return await waitUntil(async () => {
          const found = types.map((type) => held.find((each) => each.body.includes(`"${type}"`) && each.body.includes(sessionId)));
          return found.every(Boolean) ? (found as WebhookDelivery[]) : null;
        }, `the held ${types.join(", ")}`);
      } finally {
        holding = false;
      }
    },
    async outcomeOf(delivery) {
      const response = await deliver(delivery.body, delivery.signature);
      if (response.status !== 200) throw new Error(`the webhook route answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { outcome: string }).outcome;
    },
    answered(eventType, objectId) {
      return waitUntil(
        () => Promise.resolve(outcomes.find((outcome) => outcome.eventType === eventType && outcome.objectId === objectId)),
        `the answer to ${eventType} about ${objectId}`,
      );
    },
    async control(path, body = {}) {
      const response = await controlResponse(path, body);
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    },
    async events(type) {
      const response = await fetch(`${emulator.url}/_emulator/events${type ? `?type=${type}` : ""}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return ((await response.json()) as { data: EmulatorEvent[] }).data;
    },
    async close() {
      await emulator.close();
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}

/** Polls until `probe` gives something truthy; webhooks wait on emulator delays and retries, hence the long bound. */
export function waitUntil<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  return waitFor(probe, what, timeoutMs);
}
