import "server-only";
import type { Pool } from "pg";
import type { Queryable } from "@/server/db/transaction";

export interface InvariantResult {
  name: string;
  description: string;
  passed: boolean;
  /** How many rows break it (0 when it passes). */
  violations: number;
  /** What was checked, for the report: counts and totals. */
  detail: string;
}

interface Check {
  name: string;
  description: string;
  sql: string;
  /** Turns the single result row into a pass/fail with a detail line. */
  judge: (row: Record<string, string | null>) => { violations: number; detail: string };
}

const effective = `a.balance + coalesce((SELECT sum(d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id), 0)`;
const paidStatuses = `('PAID','REFUNDED','PARTIALLY_REFUNDED','DISPUTED')`;

const CHECKS: Check[] = [
  {
    name: "transactions-balance",
    description: "Entries of each transaction sum to zero per currency, and each transaction has two or more",
    sql: `SELECT
        (SELECT count(*) FROM ledger_transactions) AS checked,
        (SELECT count(*) FROM (SELECT 1 FROM ledger_entries GROUP BY transaction_id, currency HAVING sum(amount) <> 0) x)
        + (SELECT count(*) FROM ledger_transactions t WHERE (SELECT count(*) FROM ledger_entries e WHERE e.transaction_id = t.id) < 2)
          AS violations`,
    judge: (row) => ({ violations: Number(row.violations), detail: `${row.checked} transactions` }),
  },
  {
    name: "balances-match-entries",
    description: "Each account's balance (cached plus unfolded deltas) equals the sum of its entries",
    sql: `SELECT count(*) AS checked,
        count(*) FILTER (WHERE ${effective} <> coalesce((SELECT sum(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)) AS violations
        FROM ledger_accounts a`,
    judge: (row) => ({ violations: Number(row.violations), detail: `${row.checked} accounts` }),
  },
  {
    name: "entries-reference-accounts",
    description: "Every entry and unfolded delta names an existing account",
    sql: `SELECT (SELECT count(*) FROM ledger_entries) AS checked,
        (SELECT count(*) FROM ledger_entries e WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = e.account_id))
        + (SELECT count(*) FROM ledger_unfolded_deltas d WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = d.account_id))
          AS violations`,
    judge: (row) => ({ violations: Number(row.violations), detail: `${row.checked} entries` }),
  },
  {
    name: "guarded-not-negative",
    description: "No guarded account is negative, except one restricted by a clawback",
    sql: `SELECT count(*) AS checked,
        count(*) FILTER (WHERE ${effective} < 0 AND NOT a.restricted) AS violations,
        count(*) FILTER (WHERE a.restricted) AS restricted
        FROM ledger_accounts a WHERE a.guarded`,
    judge: (row) => ({
      violations: Number(row.violations),
      detail: `${row.checked} guarded accounts, ${row.restricted} restricted`,
    }),
  },
  {
    name: "stripe-payments-credited-once",
    description: "Every succeeded card payment is credited exactly once, and nothing else is",
    sql: `SELECT
        (SELECT count(*) FROM credit_purchases WHERE status IN ${paidStatuses}) AS checked,
        (SELECT count(*) FROM credit_purchases p WHERE p.status IN ${paidStatuses} AND NOT EXISTS
            (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = 'purchase:' || p.id || ':credit'))
        + (SELECT count(*) FROM credit_purchases p WHERE p.status NOT IN ${paidStatuses} AND EXISTS
            (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = 'purchase:' || p.id || ':credit'))
        + (SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'PURCHASE' AND NOT EXISTS
            (SELECT 1 FROM credit_purchases p WHERE t.idempotency_key = 'purchase:' || p.id || ':credit'))
          AS violations`,
    judge: (row) => ({ violations: Number(row.violations), detail: `${row.checked} paid purchases` }),
  },
  // BAD_DEBT is compared as text: the check also runs on databases migrated only as far as an older migration
  // under test, where the enum has no such value yet.
  {
    name: "credits-conserved",
    description: "In each currency: value issued = value held by users + platform revenue, fees and bad debt + paid out",
    sql: `WITH b AS (SELECT a.owner_id, a.type, a.currency, ${effective} AS balance FROM ledger_accounts a),
        per_currency AS (
          SELECT currency,
            -coalesce(sum(balance) FILTER (WHERE type IN ('GATEWAY_CLEARING','ADJUSTMENTS','RECEIVABLES','EXCHANGE')), 0) AS issued,
            coalesce(sum(balance) FILTER (WHERE owner_id IS NOT NULL), 0) AS users,
            coalesce(sum(balance) FILTER (WHERE type::text IN ('REVENUE','FEES','BAD_DEBT')), 0) AS platform,
            coalesce(sum(balance) FILTER (WHERE type = 'PAYOUT_CLEARING'), 0) AS paid_out
          FROM b GROUP BY currency)
        SELECT count(*) FILTER (WHERE issued <> users + platform + paid_out) AS violations,
               string_agg(currency || ': issued ' || issued || '; users ' || users || ' + platform ' || platform || ' + paid out ' || paid_out
                          || ' = ' || (users + platform + paid_out), '. ' ORDER BY currency) AS detail
          FROM per_currency`,
    judge: (row) => ({ violations: Number(row.violations ?? "0"), detail: row.detail ?? "no accounts" }),
  },
];

/** Runs every check on `db` as it is (inside a caller's transaction, it sees that transaction's writes). */
export async function runInvariantChecks(db: Queryable): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  for (const check of CHECKS) {
    const { rows } = await db.query<Record<string, string | null>>(check.sql);
    const { violations, detail } = check.judge(rows[0] ?? {});
    results.push({ name: check.name, description: check.description, passed: violations === 0, violations, detail });
  }
  return results;
}

/** Checks every ledger invariant in one consistent snapshot, while postings may go on. */
export async function checkInvariants(pool: Pool): Promise<InvariantResult[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const results = await runInvariantChecks(client);
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
