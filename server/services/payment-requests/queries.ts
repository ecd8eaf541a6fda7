import "server-only";
import type { Queryable } from "@/server/db/transaction";
import type { ShippingAddress } from "@/server/domain/store";
import type { PaymentRequestStatus, PaymentRequestType } from "@/server/generated/prisma/enums";

/** The SQL of payment requests: each statement named and typed, so the use cases read as steps. */

export interface PaymentRequestRow {
  id: string;
  performer_id: string;
  member_id: string;
  type: PaymentRequestType;
  description: string;
  amount: string;
  status: PaymentRequestStatus;
  idempotency_key: string;
  created_at: Date;
  expires_at: Date;
  closed_at: Date | null;
  paid_wallet_type_id: string | null;
  sale_transaction_id: string | null;
  card_amount_minor: string | null;
  currency: string | null;
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  late_refunded_at: Date | null;
  service_started_at: Date | null;
  service_finished_at: Date | null;
  shipping_address: ShippingAddress | null;
  /** Whether it was past its expiry by the database's clock when read (the transaction's start, inside one). */
  past_expiry: boolean;
}

const COLUMNS = `r.*, r.expires_at <= now() AS past_expiry`;

export interface NewPaymentRequest {
  performerId: string;
  memberId: string;
  type: PaymentRequestType;
  description: string;
  amount: bigint;
  idempotencyKey: string;
  expiryMinutes: number;
}

/** Stores a new pending request expiring after the admin's minutes by the database's clock; none when the key was used. */
export async function insertPaymentRequest(db: Queryable, request: NewPaymentRequest): Promise<PaymentRequestRow | undefined> {
  const { rows } = await db.query<PaymentRequestRow>(
    `WITH r AS (
       INSERT INTO payment_requests (id, performer_id, member_id, type, description, amount, idempotency_key, expires_at)
       VALUES (gen_random_uuid(), $1, $2, $3::"PaymentRequestType", $4, $5, $6, now() + make_interval(mins => $7))
       ON CONFLICT (performer_id, idempotency_key) DO NOTHING RETURNING *)
     SELECT ${COLUMNS} FROM r`,
    [request.performerId, request.memberId, request.type, request.description, request.amount.toString(), request.idempotencyKey, request.expiryMinutes],
  );
  return rows[0];
}

export async function selectRequestByKey(db: Queryable, performerId: string, idempotencyKey: string): Promise<PaymentRequestRow | undefined> {
  const { rows } = await db.query<PaymentRequestRow>(
    `SELECT ${COLUMNS} FROM payment_requests r WHERE r.performer_id = $1 AND r.idempotency_key = $2`,
    [performerId, idempotencyKey],
  );
  return rows[0];
}

export async function selectRequest(db: Queryable, id: string): Promise<PaymentRequestRow | undefined> {
  const { rows } = await db.query<PaymentRequestRow>(`SELECT ${COLUMNS} FROM payment_requests r WHERE r.id = $1`, [id]);
  return rows[0];
}

/** The request, locked for the rest of the caller's transaction: every change of one goes through here first. */
export async function lockRequest(db: Queryable, id: string): Promise<PaymentRequestRow | undefined> {
  const { rows } = await db.query<PaymentRequestRow>(`SELECT ${COLUMNS} FROM payment_requests r WHERE r.id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/**
 * Pending to paid, with the sale that paid it: the guard (still pending, not past its expiry) and the change in one
 * statement, so whatever got past the caller's checks, a request is paid once. False when the guard refused.
 */
export async function markPaid(
  db: Queryable,
  id: string,
  paid: { saleTransactionId: bigint; walletTypeId: string | null; paymentIntentId: string | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE payment_requests
        SET status = 'PAID', closed_at = now(), sale_transaction_id = $2, paid_wallet_type_id = $3,
            stripe_payment_intent_id = coalesce($4, stripe_payment_intent_id)
      WHERE id = $1 AND status = 'PENDING' AND expires_at > now()`,
    [id, paid.saleTransactionId.toString(), paid.walletTypeId, paid.paymentIntentId],
  );
  return rowCount === 1;
}

/** Pending to declined or expired, guarded like markPaid (declining needs it not yet past expiry; expiring, past it). */
export async function markClosed(db: Queryable, id: string, status: "DECLINED" | "EXPIRED"): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE payment_requests SET status = $2::"PaymentRequestStatus", closed_at = now()
      WHERE id = $1 AND status = 'PENDING' AND (expires_at > now()) = ($2 = 'DECLINED')`,
    [id, status],
  );
  return rowCount === 1;
}

/** Every pending request past its expiry, marked expired; their ids. Rows another transaction holds are left for the next sweep. */
export async function expireDueRequests(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE payment_requests SET status = 'EXPIRED', closed_at = now()
      WHERE id IN (SELECT id FROM payment_requests WHERE status = 'PENDING' AND expires_at <= now()
                    ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [limit],
  );
  return rows.map((row) => row.id);
}

/** Fixes the card price of a request the first time the member chooses to pay by card; the stored price after that. */
export async function fixCardPrice(db: Queryable, id: string, amountMinor: bigint, currency: string): Promise<{ card_amount_minor: string; currency: string }> {
  const { rows } = await db.query<{ card_amount_minor: string; currency: string }>(
    `UPDATE payment_requests SET card_amount_minor = coalesce(card_amount_minor, $2), currency = coalesce(currency, $3)
      WHERE id = $1 RETURNING card_amount_minor, currency`,
    [id, amountMinor.toString(), currency],
  );
  const row = rows[0];
  if (!row) throw new Error(`payment request ${id} vanished`);
  return row;
}

/** Records the request's checkout unless one is recorded already (a retry after a lost answer made the same one). */
export async function setCheckoutSessionIfUnset(db: Queryable, id: string, checkoutSessionId: string): Promise<void> {
  await db.query("UPDATE payment_requests SET stripe_checkout_session_id = $2 WHERE id = $1 AND stripe_checkout_session_id IS NULL", [id, checkoutSessionId]);
}

/** A card payment that reached a closed request: remembered, so replays refund it once. */
export async function markLateRefund(db: Queryable, id: string, paymentIntentId: string): Promise<void> {
  await db.query(
    `UPDATE payment_requests SET late_refunded_at = now(), stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $2)
      WHERE id = $1 AND late_refunded_at IS NULL`,
    [id, paymentIntentId],
  );
}

/** Records the start or the finish of a paid service, once each; false when it was recorded already. */
export async function recordServiceStep(db: Queryable, id: string, step: "start" | "finish"): Promise<boolean> {
  const column = step === "start" ? "service_started_at" : "service_finished_at";
  const { rowCount } = await db.query(
    `UPDATE payment_requests SET ${column} = now()
      WHERE id = $1 AND type = 'SERVICE' AND status = 'PAID' AND ${column} IS NULL
        AND (${step === "start" ? "true" : "service_started_at IS NOT NULL"})`,
    [id],
  );
  return rowCount === 1;
}

export async function setShippingAddress(db: Queryable, id: string, address: ShippingAddress): Promise<void> {
  await db.query("UPDATE payment_requests SET shipping_address = $2::jsonb WHERE id = $1 AND type = 'GOODS' AND status = 'PAID'", [id, JSON.stringify(address)]);
}

/** Whether the member is an active participant of a live show of the performer (a private or group show). */
export async function selectInLiveShow(db: Queryable, performerId: string, memberId: string): Promise<boolean> {
  const { rows } = await db.query<{ in_show: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM shows s JOIN show_participants p ON p.show_id = s.id
                     WHERE s.performer_id = $1 AND s.status = 'LIVE' AND p.member_id = $2 AND p.status = 'ACTIVE') AS in_show`,
    [performerId, memberId],
  );
  return rows[0]?.in_show === true;
}

export async function selectRoomOnline(db: Queryable, performerId: string): Promise<boolean> {
  const { rows } = await db.query<{ online: boolean }>("SELECT online FROM rooms WHERE performer_id = $1", [performerId]);
  return rows[0]?.online === true;
}

/** A request with the names both sides see, the wallet that paid and the performer's share of its sale. */
export interface PaymentRequestListRow extends PaymentRequestRow {
  stage_name: string;
  performer_username: string;
  member_name: string;
  member_email: string;
  performer_email: string;
  wallet_name: string | null;
  performer_share: string | null;
}

const LIST_SQL = `SELECT ${COLUMNS}, p.stage_name, pu.username AS performer_username, pu.email AS performer_email,
       m.display_name AS member_name, m.email AS member_email, w.name AS wallet_name,
       t.metadata ->> 'performerShare' AS performer_share
  FROM payment_requests r
  JOIN users pu ON pu.id = r.performer_id
  JOIN performer_profiles p ON p.user_id = r.performer_id
  JOIN users m ON m.id = r.member_id
  LEFT JOIN wallet_types w ON w.id = r.paid_wallet_type_id
  LEFT JOIN ledger_transactions t ON t.id = r.sale_transaction_id`;

export async function selectRequestDetails(db: Queryable, id: string): Promise<PaymentRequestListRow | undefined> {
  const { rows } = await db.query<PaymentRequestListRow>(`${LIST_SQL} WHERE r.id = $1`, [id]);
  return rows[0];
}

/** A side's requests, newest first: the performer's sent ones or the member's received ones, optionally in one room. */
export async function selectRequestsFor(
  db: Queryable,
  who: { performerId: string } | { memberId: string },
  options: { roomOf?: string; status?: PaymentRequestStatus; limit: number },
): Promise<PaymentRequestListRow[]> {
  const [column, id] = "performerId" in who ? ["performer_id", who.performerId] : ["member_id", who.memberId];
  // A pending request past its expiry is listed as expired whether or not the sweep marked it yet.
  const status = `CASE WHEN r.status = 'PENDING' AND r.expires_at <= now() THEN 'EXPIRED' ELSE r.status::text END`;
  const { rows } = await db.query<PaymentRequestListRow>(
    `${LIST_SQL}
      WHERE r.${column} = $1 AND ($2::uuid IS NULL OR r.performer_id = $2::uuid) AND ($3::text IS NULL OR ${status} = $3::text)
      ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
    [id, options.roomOf ?? null, options.status ?? null, options.limit],
  );
  return rows;
}
