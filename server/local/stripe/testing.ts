import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from "./server";

/** Test support: an emulator on a free port, the unmodified SDK pointed at it, and a webhook receiver. */

export const TEST_API_KEY = "sk_test_emulator_tests";
export const TEST_WEBHOOK_SECRET = "whsec_emulator_tests";

type Probe<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/** Polls until `probe` gives something truthy; the bound only stops a broken test from hanging. */
export async function waitFor<T>(probe: Probe<T>, description: string, timeoutMs = 4_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface WebhookRequest {
  rawBody: string;
  signature: string;
  status: number;
  /** The event, when the signature verified with the receiver's secret. */
  event: Stripe.Event | null;
}

/** An HTTP server that verifies deliveries with `stripe.webhooks.constructEvent`, as the app's route does. */
export class WebhookReceiver {
  readonly requests: WebhookRequest[] = [];
  /** The status to answer the n-th request (0-based) with; 200 unless a test says otherwise. */
  respondWith: (index: number) => number = () => 200;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    /** The signing secret deliveries must verify with (settable: an endpoint's secret exists only once it is made). */
    public secret: string,
  ) {}

  static async start(secret = TEST_WEBHOOK_SECRET): Promise<WebhookReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/webhooks`, secret);
    server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => receiver.handle(request, response));
    return receiver;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const signature = request.headers["stripe-signature"]?.toString() ?? "";
      let event: Stripe.Event | null = null;
      try {
        event = Stripe.webhooks.constructEvent(rawBody, signature, this.secret);
      } catch {
        event = null;
      }
      const status = event ? this.respondWith(this.requests.length) : 400;
      this.requests.push({ rawBody, signature, status, event });
      response.writeHead(status).end();
    });
  }

  /** Events that verified and were acknowledged with a 2xx, in arrival order. */
  events(type?: string): Stripe.Event[] {
    return this.requests
      .filter((request) => request.event && request.status < 300 && (type === undefined || request.event.type === type))
      .map((request) => request.event as Stripe.Event);
  }

  waitForEvent(type: string, matches: (event: Stripe.Event) => boolean = () => true): Promise<Stripe.Event> {
    return waitFor(() => this.events(type).find(matches), `a ${type} webhook`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface Harness {
  emulator: StripeEmulator;
  stripe: Stripe;
  webhooks: WebhookReceiver;
  logs: string[];
  /** Calls a /_emulator test control with a JSON body and returns the parsed answer. */
  control<T = Record<string, unknown>>(path: string, body?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export function sdkFor(emulatorUrl: string, apiKey = TEST_API_KEY, options: Stripe.StripeConfig = {}): Stripe {
  const url = new URL(emulatorUrl);
  return new Stripe(apiKey, { host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 0, ...options });
}

export async function startHarness(options: Partial<StripeEmulatorOptions> = {}): Promise<Harness> {
  const webhooks = await WebhookReceiver.start();
  const logs: string[] = [];
  const emulator = await startStripeEmulator({
    port: 0,
    webhookUrl: webhooks.url,
    webhookSecret: TEST_WEBHOOK_SECRET,
    apiKey: TEST_API_KEY,
    asyncPaymentDelayMs: 50,
    webhookRetryDelaysMs: [20, 40],
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    emulator,
    stripe: sdkFor(emulator.url),
    webhooks,
    logs,
    async control<T>(path: string, body: Record<string, unknown> = {}) {
      const response = await fetch(`${emulator.url}/_emulator/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as T & { error?: { message: string } };
      if (!response.ok) throw new Error(`control ${path} failed (${response.status}): ${json.error?.message}`);
      return json;
    },
    async close() {
      await emulator.close();
      await webhooks.close();
    },
  };
}

export const CHECKOUT_PARAMS = {
  mode: "payment",
  line_items: [
    { price_data: { currency: "usd", unit_amount: 500, product_data: { name: "500 credits" } }, quantity: 2 },
  ],
  success_url: "https://tipmeter.test/wallet?checkout={CHECKOUT_SESSION_ID}",
  cancel_url: "https://tipmeter.test/wallet?canceled=1",
  client_reference_id: "user_42",
  metadata: { purchaseId: "pur_1" },
} satisfies Stripe.Checkout.SessionCreateParams;

/** Submits the pay page the way a browser does: read the form, POST it urlencoded, do not follow the redirect. */
export async function submitPayPage(session: Stripe.Checkout.Session, action: string, email = "member@tipmeter.test") {
  const page = await fetch(String(session.url));
  const html = await page.text();
  const formAction = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!formAction) throw new Error(`No form on the pay page (HTTP ${page.status})`);
  return fetch(new URL(formAction, String(session.url)), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, action }).toString(),
    redirect: "manual",
  });
}
