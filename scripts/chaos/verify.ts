import type { Pool } from "pg";
import { checkInvariants } from "@/server/ledger/invariants";
import type { OpHistory, OpKind } from "./journal";

/**
 * The chaos run's verdict, read from the books after the run: the ledger invariants; each journaled operation's
 * effect counted under its key (acknowledged: exactly one; refused: none; unanswered: none or one); rows no
 * operation explains; every Stripe event delivered at least once recorded as processed; and every side effect a
 * committed change implies present in the outbox and delivered.
 */

export interface Verdict {
  violations: number;
  lost: number;
  duplicated: number;
  lines: string[];
}

/**
 * How many times each operation's effect is in the books, one query per kind: $1 actors, $2 keys. The effect
 * is the posting together with the row that records it (a transfer, an unlock, a paid order), so a posting
 * without its row counts as lost.
 */
const EFFECT_COUNT: Partial<Record<OpKind, string>> = {
  tip: `SELECT count(*) FROM ledger_transactions t WHERE t.idempotency_key = 'tip:' || x.actor || ':' || x.key`,
  transfer: `SELECT count(*) FROM ledger_transactions t JOIN transfers r ON r.transaction_id = t.id
              WHERE t.idempotency_key = 'transfer:' || x.actor || ':' || x.key`,
  unlock: `SELECT count(*) FROM ledger_transactions t JOIN content_unlocks u ON u.transaction_id = t.id
            WHERE t.idempotency_key = 'content:' || x.actor || ':' || x.key`,
  purchase: `SELECT count(*) FROM credit_purchases p JOIN ledger_transactions t ON t.idempotency_key = 'purchase:' || p.id || ':credit'
              WHERE p.user_id = x.actor::uuid AND p.idempotency_key = x.key`,
  "store-order": `SELECT count(*) FROM store_orders o JOIN ledger_transactions t ON t.idempotency_key = 'store-order:' || o.id || ':sale'
                   WHERE o.buyer_id = x.actor::uuid AND o.idempotency_key = x.key AND o.sale_transaction_id = t.id`,
  withdrawal: `SELECT count(*) FROM withdrawals w JOIN ledger_transactions t ON t.id = w.hold_transaction_id
                WHERE w.performer_id = x.actor::uuid AND w.idempotency_key = x.key
                  AND t.idempotency_key = 'withdrawal:' || x.actor || ':' || x.key || ':hold'`,
  payout: `SELECT count(*) FROM withdrawals w JOIN ledger_transactions t ON t.id = w.settle_transaction_id
            WHERE w.id = x.key::uuid AND w.status = 'PAID' AND t.idempotency_key = 'withdrawal:' || w.id || ':paid'`,
  "show-request": `SELECT count(*) FROM shows s WHERE s.requested_by_id = x.actor::uuid
                    AND s.id IN (SELECT p.show_id FROM show_participants p WHERE p.member_id = x.actor::uuid)
                    AND s.id::text = x.result`,
  "show-accept": `SELECT count(*) FROM show_participants p JOIN ledger_transactions t ON t.idempotency_key = 'show-hold:' || p.id
                   WHERE p.show_id = x.key::uuid`,
  "show-end": `SELECT count(*) FROM shows s WHERE s.id = x.key::uuid AND s.status IN ('ENDED', 'DECLINED')`,
};

/** Kinds whose refusal must leave nothing behind (the others act on existing shows and withdrawals). */
const REFUSAL_LEAVES_NOTHING: ReadonlySet<OpKind> = new Set(["tip", "transfer", "unlock", "purchase", "store-order", "withdrawal"]);

async function effectCounts(pool: Pool, kind: OpKind, histories: readonly OpHistory[]): Promise<number[]> {
  const sql = EFFECT_COUNT[kind];
  if (!sql) return histories.map(() => -1);
  const { rows } = await pool.query<{ n: string }>(
    `SELECT (${sql}) AS n FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(actor, key, result, i) ORDER BY x.i`,
    [histories.map((h) => h.request.actor), histories.map((h) => h.request.key), histories.map((h) => h.acked?.showId ?? "")],
  );
  return rows.map((row) => Number(row.n));
}

async function checkOperations(pool: Pool, histories: readonly OpHistory[], verdict: Verdict): Promise<void> {
  const kinds = [...new Set(histories.map((h) => h.request.kind))].sort();
  for (const kind of kinds) {
    const ofKind = histories.filter((h) => h.request.kind === kind && (h.acked || h.refused || EFFECT_COUNT[kind]));
    const counts = await effectCounts(pool, kind, ofKind);
    let acked = 0, refused = 0, unanswered = 0, lost = 0, duplicated = 0, refusedButDone = 0;
    ofKind.forEach((history, index) => {
      const count = counts[index]!;
      if (history.acked) acked += 1;
      else if (history.refused) refused += 1;
      else unanswered += 1;
      if (count < 0) return;
      if (count > 1) duplicated += 1;
      else if (history.acked && count === 0 && (kind !== "show-request" || history.acked.showId)) lost += 1;
      else if (!history.acked && history.refused && REFUSAL_LEAVES_NOTHING.has(kind) && count > 0) refusedButDone += 1;
    });
    verdict.lost += lost;
    verdict.duplicated += duplicated;
    verdict.violations += refusedButDone;
    verdict.lines.push(
      `ops ${kind.padEnd(13)} acked ${acked}, refused ${refused}, unanswered ${unanswered}; lost ${lost}, duplicated ${duplicated}, refused but done ${refusedButDone}`,
    );
  }
}

/** Rows that no journaled operation explains: a client's one request that became two. */
async function checkUnexplained(pool: Pool, histories: readonly OpHistory[], since: Date, verdict: Verdict): Promise<void> {
  const keysOf = (kind: OpKind) => histories.filter((h) => h.request.kind === kind).map((h) => `${h.request.actor}:${h.request.key}`);
  const checks: Array<[string, string, string[]]> = [
    ["tips", `SELECT count(*) AS n FROM ledger_transactions t WHERE t.kind = 'TIP' AND t.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE 'tip:' || k = t.idempotency_key)`, keysOf("tip")],
    ["transfers", `SELECT count(*) AS n FROM ledger_transactions t WHERE t.kind = 'TRANSFER' AND t.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE 'transfer:' || k = t.idempotency_key)`, keysOf("transfer")],
    ["unlocks", `SELECT count(*) AS n FROM ledger_transactions t WHERE t.kind = 'CONTENT_UNLOCK' AND t.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE 'content:' || k = t.idempotency_key)`, keysOf("unlock")],
    ["purchases", `SELECT count(*) AS n FROM credit_purchases p WHERE p.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE p.user_id || ':' || p.idempotency_key = k)`, keysOf("purchase")],
    ["store orders", `SELECT count(*) AS n FROM store_orders o WHERE o.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE o.buyer_id || ':' || o.idempotency_key = k)`, keysOf("store-order")],
    ["withdrawals", `SELECT count(*) AS n FROM withdrawals w WHERE w.created_at >= $2
               AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE w.performer_id || ':' || w.idempotency_key = k)`, keysOf("withdrawal")],
  ];
  const found: string[] = [];
  for (const [what, sql, keys] of checks) {
    const { rows } = await pool.query<{ n: string }>(sql, [keys, since]);
    const n = Number(rows[0]?.n ?? 0);
    verdict.duplicated += n;
    found.push(`${what} ${n}`);
  }
  verdict.lines.push(`unexplained rows (no operation asked for them): ${found.join(", ")}`);
}

export interface EmulatorEvent {
  id: string;
  type: string;
  deliveries: Array<{ state: "pending" | "delivered" | "failed" }>;
}

async function checkWebhooks(pool: Pool, events: readonly EmulatorEvent[], verdict: Verdict): Promise<void> {
  const delivered = events.filter((event) => event.deliveries.some((delivery) => delivery.state === "delivered"));
  const { rows } = await pool.query<{ id: string }>("SELECT id FROM stripe_events WHERE id = ANY($1::text[])", [delivered.map((e) => e.id)]);
  const processed = new Set(rows.map((row) => row.id));
  const unprocessed = delivered.filter((event) => !processed.has(event.id)).length;
  const neverDelivered = events.length - delivered.length;
  const redelivered = delivered.filter((event) => event.deliveries.filter((d) => d.state === "delivered").length > 1).length;
  verdict.lost += unprocessed + neverDelivered;
  verdict.lines.push(
    `webhooks: ${events.length} events, ${delivered.length} delivered (${redelivered} more than once), ${processed.size} processed once; ` +
      `delivered but unprocessed ${unprocessed}, never delivered ${neverDelivered}`,
  );
}

/** Every committed change's side effects are in the outbox under their keys, and the relay delivered them all. */
async function checkOutbox(pool: Pool, since: Date, verdict: Verdict): Promise<void> {
  const expected = `
    SELECT 'tip:' || t.id AS key FROM ledger_transactions t WHERE t.kind = 'TIP' AND t.created_at >= $1
    UNION ALL SELECT 'transfer:' || r.id || ':received-email' FROM transfers r WHERE r.created_at >= $1
    UNION ALL SELECT 'content-unlock:' || u.transaction_id FROM content_unlocks u WHERE u.created_at >= $1
    UNION ALL SELECT 'purchase:' || p.id || ':receipt' FROM credit_purchases p WHERE p.created_at >= $1 AND p.credited_transaction_id IS NOT NULL`;
  const { rows } = await pool.query<{ expected: string; missing: string; undelivered: string; dead: string; redelivered: string; copies: string }>(
    `SELECT (SELECT count(*) FROM (${expected}) e) AS expected,
            (SELECT count(*) FROM (${expected}) e WHERE NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.key = e.key)) AS missing,
            (SELECT count(*) FROM outbox_messages WHERE delivered_at IS NULL AND dead_at IS NULL) AS undelivered,
            (SELECT count(*) FROM outbox_messages WHERE dead_at IS NOT NULL) AS dead,
            (SELECT count(*) FROM outbox_messages WHERE delivered_at IS NOT NULL AND attempts > 1) AS redelivered,
            (SELECT count(*) - count(DISTINCT key) FROM outbox_messages) AS copies`,
    [since],
  );
  const row = rows[0]!;
  verdict.lost += Number(row.missing) + Number(row.undelivered);
  verdict.duplicated += Number(row.copies);
  verdict.lines.push(
    `outbox: ${row.expected} expected messages checked, missing ${row.missing}, undelivered ${row.undelivered}, ` +
      `dead letters ${row.dead}, delivered after a retry ${row.redelivered}, duplicate keys ${row.copies}`,
  );
}

export async function verify(pool: Pool, input: { histories: readonly OpHistory[]; events: readonly EmulatorEvent[]; since: Date }): Promise<Verdict> {
  const verdict: Verdict = { violations: 0, lost: 0, duplicated: 0, lines: [] };
  for (const result of await checkInvariants(pool)) {
    verdict.violations += result.violations;
    verdict.lines.push(`invariant ${result.passed ? "pass" : "FAIL"} ${result.name}: ${result.detail}`);
  }
  await checkOperations(pool, input.histories, verdict);
  await checkUnexplained(pool, input.histories, input.since, verdict);
  await checkWebhooks(pool, input.events, verdict);
  await checkOutbox(pool, input.since, verdict);
  return verdict;
}
