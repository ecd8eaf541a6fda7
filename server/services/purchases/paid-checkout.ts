import "server-only";
import type { QueryConfig, QueryResultRow } from "pg";
import { pool } from "@/server/db/client";
import type { Checkout, GatewayEvent } from "@/server/integrations/payments";
import { isLedgerError } from "@/server/ledger/post";

/**
 * What a store order's and a payment request's one settlement statement share (store/card-events.ts,
 * payment-requests/card-events.ts): the paid checkout it settles and the parameters that describe it, and how the
 * statement is run. Such a statement settles only the common case, so it writes everything or nothing, and
 * whatever it did not settle goes to the transaction it stands in for, which answers as it always did.
 */

/** A checkout that was paid, with the payment it made: the one a settlement statement may settle. */
export interface PaidCheckout {
  event: GatewayEvent;
  checkout: Checkout & { paymentId: string };
}

/** The checkout of `event` when it was paid and names its payment; null otherwise (the transaction handles it). */
export function paidCheckoutOf(event: GatewayEvent, checkout: Checkout): PaidCheckout | null {
  if (checkout.payment !== "paid" || checkout.paymentId === null) return null;
  return { event, checkout: { ...checkout, paymentId: checkout.paymentId } };
}

/**
 * The first parameters of a settlement statement, as it numbers them: $1 the row's id, $2 the checkout's session,
 * $3 its amount, $4 its currency (the stored ones must be equal: paymentMismatches' rules, the session required),
 * $5 and $6 the event's id and type (recorded by the statement, so a duplicate stops it), $7 the card payment.
 */
export function paidCheckoutParams(rowId: string, paid: PaidCheckout): unknown[] {
  const { event, checkout } = paid;
  return [rowId, checkout.id, checkout.amountMinor.toString(), checkout.currency, event.id, event.type, checkout.paymentId];
}

/** How many parameters paidCheckoutParams gives. */
export const PAID_CHECKOUT_PARAMS = 7;

/**
 * The stored facts of `alias` equal the checkout's ($2 to $4), as paymentMatches requires: the same session (stored,
 * not missing), amount and currency (in any case).
 */
export const paidCheckoutMatchesSql = (alias: string, columns: { session: string; amount: string; currency: string }) =>
  `${alias}.${columns.session} = $2::text AND ${alias}.${columns.amount} = $3::bigint AND lower(${alias}.${columns.currency}) = lower($4::text)`;

/** Records the event ($5, $6) for each row of `from`, unless it was recorded already: then nothing, and the statement stops. */
export const recordEventSql = (from: string) => `INSERT INTO stripe_events (id, type) SELECT $5::text, $6::text FROM ${from} ON CONFLICT (id) DO NOTHING RETURNING id`;

const UNIQUE_VIOLATION = "23505";

/**
 * Runs a settlement statement: its row, or null when it settled nothing, which sends the event to the transaction.
 * A unique violation (something the statement writes exists already) and a refusal of the ledger roll the whole
 * statement back, so it settled nothing either. The statement locks its row, then records the event, as the
 * transactions do (settleRequestInTransaction, settleStoreOrderInTransaction): the two never deadlock on one event.
 */
export async function settleInOneStatement<Row extends QueryResultRow>(query: QueryConfig): Promise<Row | null> {
  try {
    const { rows } = await pool.query<Row>(query);
    return rows[0] ?? null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNIQUE_VIOLATION || isLedgerError(error)) return null;
    throw error;
  }
}
