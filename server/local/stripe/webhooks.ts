import { createHmac } from "node:crypto";
import type { StripeEvent } from "./objects";

/** Where one event goes: the configured forward URL or an endpoint made with POST /v1/webhook_endpoints. */
export interface WebhookTarget {
  url: string;
  secret: string;
  endpointId: string | null;
}

export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error: string | null;
}

export interface DeliveryRecord {
  url: string;
  endpoint: string | null;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
}

/**
 * Real time, not the emulator's clock: receivers check a signature's timestamp against their own clock, and a
 * delivery's attempts are logged as they happen.
 */
function realUnixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Stripe's scheme: HMAC-SHA256 of `${t}.${payload}` keyed with the whole `whsec_…` secret, hex encoded. */
export function signatureHeader(payload: string, secret: string, timestamp = realUnixNow()): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export interface DispatcherOptions {
  /** Waits before each retry; the number of entries bounds the retries. */
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  log: (line: string) => void;
}

/**
 * Delivers signed events over HTTP off the request path: an API call only queues work here. First attempts
 * to one target go out one at a time in creation order, so a healthy receiver sees events in order; failed
 * attempts (non-2xx, network error, timeout) are retried later with growing waits, then given up and recorded
 * as failed. As with Stripe, events retried after a failure can arrive after newer ones.
 */
export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queues = new Map<string, Promise<void>>();
  private aborter = new AbortController();
  /** Bumped by cancelAll so queued work from before it never runs. */
  private generation = 0;

  constructor(private readonly options: DispatcherOptions) {}

  deliver(event: StripeEvent, target: WebhookTarget, onDelivered: () => void): DeliveryRecord {
    const record: DeliveryRecord = { url: target.url, endpoint: target.endpointId, state: "pending", attempts: [] };
    const generation = this.generation;
    const queueKey = `${target.endpointId ?? "forward"} ${target.url}`;
    const queued = (this.queues.get(queueKey) ?? Promise.resolve()).then(() =>
      generation === this.generation ? this.attempt(event, target, record, onDelivered) : undefined,
    );
    this.queues.set(queueKey, queued);
    void queued.finally(() => {
      if (this.queues.get(queueKey) === queued) this.queues.delete(queueKey);
    });
    return record;
  }

  /** Stops every pending delivery and retry; the dispatcher stays usable (used by reset and close). */
  cancelAll(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queues.clear();
    this.aborter.abort();
    this.aborter = new AbortController();
  }

  private later(delayMs: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(event: StripeEvent, target: WebhookTarget, record: DeliveryRecord, onDelivered: () => void) {
    const signal = this.aborter.signal;
    const payload = JSON.stringify(event, null, 2);
    const attempt: DeliveryAttempt = { at: realUnixNow(), status: null, error: null };
    record.attempts.push(attempt);
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "stripe-signature": signatureHeader(payload, target.secret),
        },
        body: payload,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      attempt.status = response.status;
      await response.body?.cancel();
      if (response.ok) {
        record.state = "delivered";
        onDelivered();
        return;
      }
    } catch (error) {
      if (signal.aborted) return;
      attempt.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    this.retryOrGiveUp(event, target, record, onDelivered);
  }

  private retryOrGiveUp(event: StripeEvent, target: WebhookTarget, record: DeliveryRecord, onDelivered: () => void) {
    const last = record.attempts.at(-1);
    const outcome = last?.status !== null && last?.status !== undefined ? `HTTP ${last.status}` : (last?.error ?? "error");
    const delay = this.options.retryDelaysMs[record.attempts.length - 1];
    if (delay === undefined) {
      record.state = "failed";
      this.options.log(`webhook ${event.type} ${event.id} -> ${target.url} failed (${outcome}); gave up after ${record.attempts.length} attempts`);
      return;
    }
    this.options.log(`webhook ${event.type} ${event.id} -> ${target.url} failed (${outcome}); retrying in ${delay} ms`);
    this.later(delay, () => this.attempt(event, target, record, onDelivered));
  }
}
