import pg from "pg";
import type { Pool } from "pg";
import { afterFailedDelivery, messageIdFor } from "@/server/domain/outbox";
import { env } from "@/server/env";
import { type OutgoingEmail, sendEmail } from "@/server/integrations/email";
import { pusherServer, userChannel } from "@/server/integrations/pusher";
import { stripe } from "@/server/integrations/stripe";
import { renderPurchaseReceipt } from "@/server/services/purchases";
import { WALLET_UPDATED, walletUpdatedPayload } from "@/server/services/realtime";
import { showViewForDelivery } from "@/server/services/shows";
import { OUTBOX_CHANNEL, type RealtimeData } from "./messages";

/** A claimed message is someone else's again if its deliverer hasn't finished within this (it crashed). */
const CLAIM_SECONDS = 60;
const BATCH = 50;
/** Retries come due without a notification; the relay looks for them this often. */
const POLL_MS = 2_000;

interface ClaimedRow {
  id: string;
  key: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
  dead: number;
}

async function deliver(pool: Pool, message: ClaimedRow): Promise<void> {
  const messageId = messageIdFor(message.key, new URL(env.APP_URL).hostname);
  switch (message.kind) {
    case "email": {
      const email = message.payload.email as OutgoingEmail;
      await sendEmail({ ...email, messageId });
      return;
    }
    case "purchase-receipt": {
      await sendEmail({ ...(await renderPurchaseReceipt(message.payload.purchaseId as string)), messageId });
      return;
    }
    case "realtime": {
      const { channels, event, data } = message.payload as { channels: string[]; event: string; data: RealtimeData };
      await pusherServer.trigger(channels.length === 1 ? channels[0]! : channels, event, data);
      return;
    }
    case "wallet-update": {
      const userId = message.payload.userId as string;
      await pusherServer.trigger(userChannel(userId), WALLET_UPDATED, await walletUpdatedPayload(pool, userId));
      return;
    }
    case "show-view": {
      const { showId, userId, role, event, at } = message.payload as { showId: string; userId: string; role: "PERFORMER" | "MEMBER"; event: string; at: string | null };
      await pusherServer.trigger(userChannel(userId), event, await showViewForDelivery(showId, { id: userId, role }, at));
      return;
    }
    case "card-refund": {
      const { paymentIntentId, amountMinor, idempotencyKey, metadata } = message.payload as {
        paymentIntentId: string;
        amountMinor: string;
        idempotencyKey: string;
        metadata: Record<string, string>;
      };
      await stripe().refunds.create({ payment_intent: paymentIntentId, amount: Number(amountMinor), metadata }, { idempotencyKey });
      return;
    }
    default:
      throw new Error(`unknown outbox message kind "${message.kind}"`);
  }
}

/**
 * Delivers what is due, oldest first, once: claims a batch (SKIP LOCKED, so relays in several workers share the
 * work), delivers each message, and records the outcome. A failure waits its backoff; the last one makes the
 * message dead.
 */
export async function deliverDue(pool: Pool, limit = BATCH): Promise<DeliveryReport> {
  const { rows } = await pool.query<ClaimedRow>(
    `UPDATE outbox_messages m
        SET attempts = m.attempts + 1, locked_until = now() + make_interval(secs => $2)
      WHERE m.id IN (SELECT id FROM outbox_messages
                      WHERE delivered_at IS NULL AND dead_at IS NULL
                        -- Timestamps are kept to the millisecond, rounded: one written just now may read as up to
                        -- half a millisecond ahead.
                        AND available_at < now() + interval '1 millisecond'
                        AND (locked_until IS NULL OR locked_until < now())
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING m.id, m.key, m.kind, m.payload, m.attempts`,
    [limit, CLAIM_SECONDS],
  );
  const report: DeliveryReport = { delivered: 0, failed: 0, dead: 0 };
  for (const message of rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
    try {
      await deliver(pool, message);
      await pool.query(`UPDATE outbox_messages SET delivered_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [message.id]);
      report.delivered += 1;
    } catch (error) {
      const next = afterFailedDelivery(message.attempts);
      const reason = error instanceof Error ? error.message : String(error);
      if (next.outcome === "dead") {
        await pool.query(`UPDATE outbox_messages SET dead_at = now(), locked_until = NULL, last_error = $2 WHERE id = $1`, [message.id, reason]);
        report.dead += 1;
        console.error(`[outbox] ${message.key} is dead after ${message.attempts} attempts: ${reason}`);
      } else {
        await pool.query(
          `UPDATE outbox_messages SET available_at = now() + make_interval(secs => $2), locked_until = NULL, last_error = $3 WHERE id = $1`,
          [message.id, next.afterSeconds, reason],
        );
        report.failed += 1;
      }
    }
  }
  return report;
}

/** Delivers until nothing is due: what a test calls to see every side effect of what it did. */
export async function deliverAllDue(pool: Pool): Promise<DeliveryReport> {
  const total: DeliveryReport = { delivered: 0, failed: 0, dead: 0 };
  for (;;) {
    const report = await deliverDue(pool);
    total.delivered += report.delivered;
    total.failed += report.failed;
    total.dead += report.dead;
    if (report.delivered + report.failed + report.dead === 0) return total;
  }
}

export interface OutboxRelay {
  close(): Promise<void>;
}

/**
 * Runs in the worker: delivers as soon as a transaction that wrote to the outbox commits (LISTEN), and looks
 * for retries that came due every `pollMs`. One pass at a time per relay; a notification during a pass asks for
 * another.
 */
export async function startOutboxRelay({ databaseUrl, pool, pollMs = POLL_MS }: { databaseUrl: string; pool: Pool; pollMs?: number }): Promise<OutboxRelay> {
  const listener = new pg.Client({ connectionString: databaseUrl, application_name: "tipmeter-outbox-relay" });
  await listener.connect();
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const pass = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await deliverAllDue(pool);
        } catch (error) {
          console.error("[outbox] delivery pass failed:", error);
        }
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
  };

  listener.on("notification", pass);
  listener.on("error", (error) => console.error("[outbox] listener connection failed:", error));
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  const timer = setInterval(pass, pollMs);
  pass();

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await listener.end();
    },
  };
}
