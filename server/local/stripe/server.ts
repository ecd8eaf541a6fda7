import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { createRequestHandler } from "./app";
import { Clock } from "./clock";
import type { Context } from "./context";
import { EventBus } from "./events";
import { expireOverdue } from "./expiry";
import { IdempotencyCache } from "./idempotency";
import { Store } from "./store";
import { WebhookDispatcher } from "./webhooks";

export interface StripeEmulatorOptions {
  /** 0 picks a free port; `url` then carries the real one. */
  port: number;
  /** Receives every event (platform and connected accounts), signed with `webhookSecret`, like `stripe listen`. */
  webhookUrl?: string;
  webhookSecret: string;
  /** When set, the only secret key accepted; otherwise any `sk_test_…` key is. */
  apiKey?: string;
  /** How long "Pay (delayed)" payments stay processing before they settle. Default 2000 ms. */
  asyncPaymentDelayMs?: number;
  /** Waits before each webhook retry; their count bounds the retries. Default 0.5, 1, 2 and 4 s (5 attempts). */
  webhookRetryDelaysMs?: readonly number[];
  /** Where webhook failures and internal errors are reported. Default: stderr. */
  log?: (line: string) => void;
}

export interface StripeEmulator {
  url: string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const SWEEP_INTERVAL_MS = 30_000;

function listen(server: http.Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Stripe emulator: port ${port} on ${HOST} is already in use (set PORT to use another one)`)
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts the local Stripe stand-in: Stripe's API for the real SDK, a pay page, and signed webhooks. */
export async function startStripeEmulator(options: StripeEmulatorOptions): Promise<StripeEmulator> {
  const log = options.log ?? ((line: string) => console.error(`[stripe emulator] ${line}`));
  const store = new Store();
  const clock = new Clock();
  const dispatcher = new WebhookDispatcher({
    retryDelaysMs: options.webhookRetryDelaysMs ?? [500, 1000, 2000, 4000],
    timeoutMs: 10_000,
    log,
  });
  const forwardTarget = options.webhookUrl
    ? { url: options.webhookUrl, secret: options.webhookSecret, endpointId: null }
    : null;
  const events = new EventBus(store, dispatcher, forwardTarget, Stripe.API_VERSION, clock);
  const idempotency = new IdempotencyCache(clock);
  const timers = new Set<NodeJS.Timeout>();

  const ctx: Context = {
    store,
    events,
    clock,
    baseUrl: `http://${HOST}:${options.port}`,
    asyncPaymentDelayMs: options.asyncPaymentDelayMs ?? 2000,
    schedule(delayMs, task) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        task();
      }, delayMs);
      timers.add(timer);
    },
  };

  const stopWork = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    dispatcher.cancelAll();
  };
  const reset = () => {
    stopWork();
    store.reset();
    events.reset();
    idempotency.clear();
    clock.reset();
  };

  const server = http.createServer(
    createRequestHandler({ ctx, idempotency, apiKey: options.apiKey, apiVersion: Stripe.API_VERSION, reset, log }),
  );
  const address = await listen(server, options.port);
  ctx.baseUrl = `http://${HOST}:${address.port}`;
  const sweep = setInterval(() => expireOverdue(ctx), SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    url: ctx.baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(sweep);
        stopWork();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
