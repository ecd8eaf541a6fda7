/**
 * One app process of the chaos run (scripts/chaos.ts starts several and SIGKILLs them at random): it performs
 * operations through the app's services in a loop, journaling each before the call and its outcome after, and
 * answers the Stripe emulator's webhooks through the app's real route handler. After a restart it retries half
 * of the calls its predecessor left unanswered, with the same idempotency keys, as a client whose request timed
 * out would.
 */
import "@/server/outside-next";
import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { NextRequest } from "next/server";
import { pool } from "@/server/db/client";
import { isDomainError } from "@/server/domain/errors";
import type { Fixtures, SlotFixtures } from "./fixtures";
import { JournalWriter, type OpRequest, journalFile, readJournal, unansweredBegins } from "./journal";
import { execute } from "./ops";

const slot = Number(process.env.CHAOS_SLOT);
const dir = process.env.CHAOS_DIR!;
const webhookPort = Number(process.env.CHAOS_WEBHOOK_PORT);
const fixtures = JSON.parse(readFileSync(path.join(dir, "fixtures.json"), "utf8")) as Fixtures;
const mine: SlotFixtures = fixtures.slots[slot]!;
const journal = new JournalWriter(journalFile(dir, slot));

/** A client that got no answer (a broken connection, a 500) tries again with the same key this often. */
const RETRY_SHARE = 0.5;
/** How long a client waits before its next call after an unanswered one (the database may be restarting). */
const BACKOFF_MS = 150;

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = { answered: "ack"; result: Record<string, string> } | { answered: "refused" } | { answered: "no" };

async function perform(request: OpRequest, retryOf?: string): Promise<Outcome> {
  const op = randomUUID();
  journal.write({ t: "begin", op, ...request, ...(retryOf ? { retryOf } : {}) });
  try {
    const result = await execute(request);
    journal.write({ t: "ack", op, result });
    return { answered: "ack", result };
  } catch (error) {
    if (isDomainError(error)) {
      journal.write({ t: "refused", op, code: error.code, message: error.message });
      return { answered: "refused" };
    }
    journal.write({ t: "failed", op, error: error instanceof Error ? error.message : String(error) });
    await sleep(BACKOFF_MS);
    if (Math.random() < RETRY_SHARE) return perform(request, op);
    return { answered: "no" };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What to do next

function otherMember(self: string): string {
  const everyone = Object.keys(fixtures.usernames).filter((id) => id !== self);
  return pick(everyone);
}

function moneyOp(): OpRequest {
  const actor = pick(mine.members);
  const key = randomUUID();
  const roll = randomInt(100);
  if (roll < 35) return { kind: "tip", actor, key, params: { performerId: pick(fixtures.performers), amount: String(1 + randomInt(50)) } };
  if (roll < 55) {
    const recipient = fixtures.usernames[otherMember(actor)]!;
    return { kind: "transfer", actor, key, params: { recipient, amount: String(1 + randomInt(100)) } };
  }
  if (roll < 70) {
    const item = pick(fixtures.contentItems);
    return { kind: "unlock", actor, key, params: { itemId: item.id, price: item.price } };
  }
  if (roll < 82) return { kind: "purchase", actor, key, params: { packageId: pick(fixtures.packageIds) } };
  if (roll < 92) {
    const walletPart = (BigInt(fixtures.storeItem.price) / 2n).toString();
    return { kind: "store-order", actor, key, params: { itemId: fixtures.storeItem.id, walletPart } };
  }
  return { kind: "withdrawal", actor: mine.performer, key, params: { credits: String(200 + randomInt(1800)) } };
}

/** The admin pays the slot performer's oldest open request, if any. */
async function payoutOp(): Promise<OpRequest | null> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM withdrawals WHERE performer_id = $1 AND status = 'REQUESTED' ORDER BY created_at LIMIT 1",
    [mine.performer],
  );
  return rows[0] ? { kind: "payout", actor: fixtures.adminId, key: rows[0].id, params: {} } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// A private show of the slot's performer, one step per turn: request, accept, a few meter ticks, end.

interface ShowState {
  showId: string;
  memberId: string;
  live: boolean;
  ticksLeft: number;
}

let show: ShowState | null = null;

/** Shows an earlier incarnation (or a failed step) left open are ended by the performer before a new one. */
async function endLeftoverShows(): Promise<void> {
  const { rows } = await pool.query<{ id: string }>("SELECT id FROM shows WHERE performer_id = $1 AND status IN ('REQUESTED', 'LIVE')", [
    mine.performer,
  ]);
  for (const { id } of rows) await perform({ kind: "show-end", actor: mine.performer, key: id, params: { side: "performer" } });
}

async function showStep(): Promise<void> {
  if (!show) {
    await endLeftoverShows();
    const memberId = pick(mine.members);
    const outcome = await perform({ kind: "show-request", actor: memberId, key: randomUUID(), params: { performerId: mine.performer } });
    if (outcome.answered === "ack") show = { showId: outcome.result.showId!, memberId, live: false, ticksLeft: 1 + randomInt(5) };
    return;
  }
  const current = show;
  let outcome: Outcome;
  if (!current.live) {
    outcome = await perform({ kind: "show-accept", actor: mine.performer, key: current.showId, params: {} });
    current.live = outcome.answered === "ack";
  } else if (current.ticksLeft > 0) {
    outcome = await perform({ kind: "show-tick", actor: mine.performer, key: current.showId, params: { memberId: current.memberId } });
    current.ticksLeft -= 1;
  } else {
    const byMember = Math.random() < 0.5;
    outcome = await perform({
      kind: "show-end",
      actor: byMember ? current.memberId : mine.performer,
      key: current.showId,
      params: { side: byMember ? "member" : "performer" },
    });
    show = null;
  }
  if (outcome.answered !== "ack") show = null;
}

// ---------------------------------------------------------------------------------------------------------------

async function retryUnanswered(): Promise<void> {
  for (const begin of unansweredBegins(readJournal(journalFile(dir, slot)))) {
    if (Math.random() >= RETRY_SHARE) continue;
    const { kind, actor, key, params } = begin;
    await perform({ kind, actor, key, params }, begin.op);
  }
}

async function turn(): Promise<void> {
  const roll = randomInt(100);
  if (roll < 25) return showStep();
  if (roll < 29) {
    const payout = await payoutOp();
    if (payout) await perform(payout);
    return;
  }
  await perform(moneyOp());
}

/** Stripe's deliveries, forwarded by the driver, answered by the app's own route. */
async function serveWebhooks(): Promise<void> {
  const { POST } = await import("@/app/api/webhooks/stripe/route");
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answer = POST(
        new NextRequest("http://127.0.0.1/api/webhooks/stripe", {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": String(request.headers["stripe-signature"] ?? "") },
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      answer.then(
        async (result) => response.writeHead(result.status, { "content-type": "application/json" }).end(await result.text()),
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(webhookPort, "127.0.0.1", resolve));
}

async function main(): Promise<void> {
  // The route logs every failed delivery (the database restarting); the driver judges the outcome instead.
  console.error = () => undefined;
  await serveWebhooks();
  // At the end of the run the driver keeps processes that only answer webhooks, while it drains Stripe's.
  if (process.env.CHAOS_SERVE_ONLY === "1") return;
  await retryUnanswered();
  for (;;) {
    try {
      await turn();
    } catch {
      // choosing the next step needed the database, which is away: try again shortly
      await sleep(BACKOFF_MS);
    }
  }
}

void main();
