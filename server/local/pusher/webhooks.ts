import { webhookSignature } from "./signing";

/**
 * Pusher-style webhooks: events are collected for a short window and POSTed together as
 * `{ time_ms, events: [...] }`, signed with X-Pusher-Key / X-Pusher-Signature. Delivery runs in the background
 * with retries, so a slow or failing receiver never holds up the realtime traffic that produced the events.
 */

export type WebhookEvent =
  | { name: "channel_occupied" | "channel_vacated"; channel: string }
  | { name: "member_added" | "member_removed"; channel: string; user_id: string }
  | { name: "client_event"; channel: string; event: string; data: string; socket_id: string; user_id?: string };

export interface WebhookDispatcherOptions {
  url: string;
  key: string;
  secret: string;
  log: (line: string) => void;
  /** Events within this window go out in one request. */
  batchWindowMs?: number;
  maxAttempts?: number;
  /** Retry n waits retryBaseDelayMs * 2^(n-1). */
  retryBaseDelayMs?: number;
  requestTimeoutMs?: number;
}

export class WebhookDispatcher {
  private pending: WebhookEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;
  private readonly batchWindowMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseDelayMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.batchWindowMs = options.batchWindowMs ?? 50;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  }

  enqueue(event: WebhookEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), this.batchWindowMs);
  }

  /** Drops undelivered events: at shutdown nobody is left to act on them. */
  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const controller of this.inFlight) controller.abort();
    this.retryTimers.clear();
    this.pending = [];
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.pending;
    this.pending = [];
    if (events.length === 0 || this.closed) return;
    // The body is fixed once so every retry carries the same signature and time_ms.
    const body = JSON.stringify({ time_ms: Date.now(), events });
    void this.deliver(body, 1);
  }

  private async deliver(body: string, attempt: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    let failure: string;
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Pusher-Key": this.options.key,
          "X-Pusher-Signature": webhookSignature(this.options.secret, body),
        },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer();
      if (response.ok) return;
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (this.closed) return;
    if (attempt >= this.maxAttempts) {
      this.options.log(`Pusher webhook to ${this.options.url} dropped after ${attempt} attempts: ${failure}`);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.deliver(body, attempt + 1);
    }, this.retryBaseDelayMs * 2 ** (attempt - 1));
    this.retryTimers.add(timer);
  }
}
