import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { clawbackLegs } from "@/server/domain/ledger";
import { post } from "@/server/ledger/post";
import { fundUser } from "@/server/testing/factories";
import { rolledBack } from "@/server/testing/rolled-back";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { sendTip } from "./tips";

/**
 * The tip's statement writes the common tip itself (ledger_sale's fast path, written into it) and leaves every other
 * tip to ledger_sale. ledger_sale is the reference: each case runs on the same starting rows both ways, in a
 * transaction rolled back after it (tipmeter.sale_path = 'general' sends the tip to ledger_sale), and the result or
 * refusal and every row the tip wrote or changed must be the same, ids aside.
 */

afterAll(async () => {
  await closeDb();
});

let member: string;
let performer: string;

beforeAll(async () => {
  const admin = await makeAdmin();
  performer = (await makePerformer(admin, "Parity Star")).id;
  member = (await makeMember("tipper")).id;
});

type Step = (db: PoolClient) => Promise<unknown>;

interface Case {
  name: string;
  /** Run first in the case's transaction. */
  setUp?: Step[];
  amount?: bigint;
  /** Sent twice with one key: the second is compared. */
  replay?: boolean;
  /** Whether the statement writes the tip itself; otherwise ledger_sale does. */
  inStatement: boolean;
}

const rate = (bps: number, of: "everyone" | "the performer" = "everyone"): Step => (db) =>
  db.query("INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from) VALUES ('TIP', $1, $2, now() - interval '1 hour')", [
    of === "everyone" ? null : performer,
    bps,
  ]);
const DEFAULT_RATE = rate(7000);
const active = (wallet: string): Step => (db) =>
  db.query(
    `INSERT INTO wallet_preferences (user_id, active_wallet_type_id) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET active_wallet_type_id = EXCLUDED.active_wallet_type_id`,
    [member, wallet],
  );
const fundBonus: Step = (db) =>
  post(db, { kind: "ADJUSTMENT", idempotencyKey: `bonus:${randomUUID()}`, actorId: null, description: "Bonus", legs: [{ account: `user:${member}:bonus:CRD`, amount: 40n }, { account: "system:adjustments:CRD", amount: -40n }] });
const clawback: Step = (db) =>
  post(db, { kind: "PURCHASE_REFUND", idempotencyKey: `clawback:${randomUUID()}`, actorId: null, description: "Clawback", legs: clawbackLegs(member, 130n), allowOverdraft: true });
const tabOwed: Step = (db) =>
  db.query(
    `INSERT INTO card_tabs (id, member_id, live_member_id, performer_id, status, currency, credit_price_minor, limit_credits, updated_at)
     VALUES (gen_random_uuid(), $1, $1, $2, 'PAYMENT_DUE', 'usd', 10, 500, now())`,
    [member, performer],
  );
const holdForTips: Step = (db) =>
  db.query(
    `INSERT INTO platform_settings (key, value) VALUES ('earningsHold', '{"defaultDays": 5, "byKind": {"TIP": 2}}')
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  );

const CASES: Case[] = [
  { name: "at the default rate", setUp: [DEFAULT_RATE], inStatement: true },
  { name: "at the performer's own rate, with a hold set for tips", setUp: [DEFAULT_RATE, rate(8500, "the performer"), holdForTips], inStatement: true },
  { name: "one credit at 70%: nothing for the performer, no lot", setUp: [DEFAULT_RATE], amount: 1n, inStatement: true },
  { name: "from the Bonus wallet, which pays for tips", setUp: [DEFAULT_RATE, fundBonus, active("bonus")], amount: 30n, inStatement: true },
  { name: "spending the wallet to zero", setUp: [DEFAULT_RATE], amount: 100n, inStatement: true },
  { name: "a replay returns the first tip", setUp: [DEFAULT_RATE], replay: true, inStatement: false },
  { name: "refused: more than the wallet holds", setUp: [DEFAULT_RATE], amount: 101n, inStatement: true },
  { name: "refused: a wallet a clawback left negative", setUp: [DEFAULT_RATE, clawback], inStatement: true },
  { name: "refused: the Earnings wallet does not pay for tips", setUp: [DEFAULT_RATE, active("earnings")], inStatement: false },
  { name: "refused: a Dollars wallet does not pay for tips", setUp: [DEFAULT_RATE, active("usd")], inStatement: false },
  { name: "refused: no rate is set for tips", inStatement: false },
  { name: "refused: the tipper owes a card tab", setUp: [DEFAULT_RATE, tabOwed], inStatement: false },
];

/** What one way of tipping did: the result or refusal, whether ledger_sale ran, and every row the tip touched. */
async function outcome(db: PoolClient, path: "statement" | "general", testCase: Case) {
  await db.query("SELECT set_config('tipmeter.sale_path', $1, true), set_config('track_functions', 'pl', true)", [path]);
  await fundUser(db, member, 100n);
  for (const step of testCase.setUp ?? []) await step(db);
  const input = { performerId: performer, amount: testCase.amount ?? 25n, message: "Thanks!", idempotencyKey: randomUUID() };
  if (testCase.replay) await sendTip(member, input, db);
  const ledgerSaleCalls = async () =>
    Number((await db.query("SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions WHERE funcname = 'ledger_sale'")).rows[0].n);
  const callsBefore = await ledgerSaleCalls();
  await db.query("SAVEPOINT tip");
  let result: unknown;
  try {
    const tip = await sendTip(member, input, db);
    result = { ...tip, transactionId: "the tip" };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    result = { refused: error.code, message: error.message };
    await db.query("ROLLBACK TO SAVEPOINT tip");
  }
  const calls = (await ledgerSaleCalls()) - callsBefore;
  const { rows: tips } = await db.query(
    `SELECT t.kind, t.request_hash, t.actor_id, t.description, t.metadata,
            (SELECT json_agg(json_build_array(a.code, e.amount::text, e.currency) ORDER BY e.id)
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = t.id) AS entries,
            (SELECT json_agg(json_build_array(l.performer_id, l.sale_kind, l.amount::text, l.remaining::text, date_trunc('second', l.matures_at - now())::text))
               FROM earnings_lots l WHERE l.transaction_id = t.id) AS lots,
            (SELECT json_agg(json_build_array(m.kind, m.payload ->> 'transactionId' = t.id::text)) FROM outbox_messages m WHERE m.key = 'tip:' || t.id) AS outbox
       FROM ledger_transactions t WHERE t.kind = 'TIP' AND t.actor_id = $1 ORDER BY t.id`,
    [member],
  );
  const { rows: accounts } = await db.query(
    `SELECT a.code, a.balance::text, a.restricted,
            (SELECT json_agg(d.amount::text ORDER BY d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id) AS deltas
       FROM ledger_accounts a WHERE a.owner_id IN ($1, $2) OR a.code = 'system:revenue:CRD' ORDER BY a.code`,
    [member, performer],
  );
  return { result, tips, accounts, calls };
}

describe("a tip written in its own statement against ledger_sale", () => {
  it.each(CASES)("$name", async (testCase) => {
    const inStatement = await rolledBack((db) => outcome(db, "statement", testCase));
    const reference = await rolledBack((db) => outcome(db, "general", testCase));
    const refused = typeof inStatement.result === "object" && inStatement.result !== null && "refused" in inStatement.result;
    // A refusal raised inside a function is not counted as its call: only a tip that went through says which way it went.
    if (!refused) {
      expect(inStatement.calls).toBe(testCase.inStatement ? 0 : 1);
      expect(reference.calls).toBe(1);
    }
    expect({ ...inStatement, calls: 0 }).toEqual({ ...reference, calls: 0 });
  });
});
