import "server-only";
/**
 * `historyGroupKey` (server/domain/history.ts) in SQL, so that the history can group and paginate by the thing a
 * posting belongs to in one query, and the earnings can count a sale of many postings once. `t` is the
 * ledger_transactions alias of the posting, `r` of the transaction it reverses (LEFT JOINed on t.reverses_id).
 * A withdrawal hold's key names the performer's request; the withdrawal is found by that request's unique key.
 */
function objectKeySql(t: string): string {
  return `CASE
      WHEN ${t}.kind IN ('SHOW_HOLD', 'SHOW_CHARGE') AND jsonb_typeof(${t}.metadata->'showId') = 'string'
        THEN 'show:' || (${t}.metadata->>'showId')
      WHEN ${t}.idempotency_key ~ '^(store-order|purchase|tab):[^:]+:'
        THEN split_part(${t}.idempotency_key, ':', 1) || ':' || split_part(${t}.idempotency_key, ':', 2)
      WHEN ${t}.idempotency_key ~ '^withdrawal:[0-9a-f-]{36}:[^:]+:hold$'
        THEN 'withdrawal:' || coalesce(
          (SELECT w.id::text FROM withdrawals w
            WHERE w.performer_id = split_part(${t}.idempotency_key, ':', 2)::uuid
              AND w.idempotency_key = split_part(${t}.idempotency_key, ':', 3)),
          'transaction-' || ${t}.id)
      WHEN ${t}.idempotency_key ~ '^withdrawal:[^:]+:'
        THEN 'withdrawal:' || split_part(${t}.idempotency_key, ':', 2)
    END`;
}

export function historyGroupKeySql(t: string, r: string): string {
  return `coalesce(${objectKeySql(t)}, ${objectKeySql(r)}, 'transaction:' || coalesce(${r}.id, ${t}.id))`;
}
