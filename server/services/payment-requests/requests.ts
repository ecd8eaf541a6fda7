import "server-only";
import type { PoolClient } from "pg";
import type { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import {
  type ServiceStep,
  currentStatus,
  paymentRequestIdSchema,
  refusalFor,
  sendPaymentRequestSchema,
  serviceStepRefusal,
  shippingForRequestSchema,
  shippingRefusal,
  type SendPaymentRequestInput,
} from "@/server/domain/payment-requests";
import type { ShippingAddress } from "@/server/domain/store";
import type { PaymentRequestStatus, PaymentRequestType } from "@/server/generated/prisma/enums";
import { findSellingPerformer } from "../sales/sales";
import { getSetting } from "../settings/settings";
import { announceRequestChange } from "./notices";
import { isInRoom } from "./presence";
import {
  type PaymentRequestListRow,
  type PaymentRequestRow,
  insertPaymentRequest,
  lockRequest,
  markClosed,
  recordServiceStep,
  selectRequestByKey,
  selectRequestDetails,
  selectRequestsFor,
  setShippingAddress,
} from "./queries";

/**
 * Payment requests: the performer sends one to a member in their room; the member declines it (or pays it:
 * paying.ts); the performer records a paid service's start and finish; the member gives a paid goods request's
 * shipping address. Each change locks the request's row first and is refused, with nothing changed, when the
 * request is not in a state that allows it. Only the performer who sent a request and the member it is addressed
 * to see it; anyone else is told it does not exist.
 */

export interface PaymentRequestView {
  id: string;
  performer: { id: string; username: string; stageName: string };
  member: { id: string; displayName: string };
  type: PaymentRequestType;
  description: string;
  amount: bigint;
  /** As it is now: a pending request past its expiry is expired. */
  status: PaymentRequestStatus;
  createdAt: Date;
  expiresAt: Date;
  closedAt: Date | null;
  /** The wallet that paid it ("Credits"), or null when paid by card or not paid. */
  paidFromWallet: string | null;
  paidByCard: { amountMinor: bigint; currency: string } | null;
  /** The performer's share of the sale, for the performer only. */
  performerShare: bigint | null;
  serviceStartedAt: Date | null;
  serviceFinishedAt: Date | null;
  shippingAddress: ShippingAddress | null;
  /** A card payment that came after it closed and was refunded. */
  cardRefundedLate: boolean;
}

/** A request as `viewerId` sees it at `now`. */
export function viewFrom(row: PaymentRequestListRow, viewerId: string, now: Date): PaymentRequestView {
  const paidByCard = row.status === "PAID" && row.paid_wallet_type_id === null && row.card_amount_minor && row.currency;
  return {
    id: row.id,
    performer: { id: row.performer_id, username: row.performer_username, stageName: row.stage_name },
    member: { id: row.member_id, displayName: row.member_name },
    type: row.type,
    description: row.description,
    amount: BigInt(row.amount),
    status: currentStatus({ status: row.status, expiresAt: row.expires_at }, now),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    closedAt: row.closed_at,
    paidFromWallet: row.status === "PAID" ? row.wallet_name : null,
    paidByCard: paidByCard ? { amountMinor: BigInt(row.card_amount_minor as string), currency: row.currency as string } : null,
    performerShare: viewerId === row.performer_id && row.performer_share ? BigInt(row.performer_share) : null,
    serviceStartedAt: row.service_started_at,
    serviceFinishedAt: row.service_finished_at,
    shippingAddress: row.shipping_address,
    cardRefundedLate: row.late_refunded_at !== null,
  };
}

const NOT_FOUND = "That payment request does not exist.";

/** The request if `viewer` is one of its two sides; NOT_FOUND otherwise, as for an id that does not exist. */
export async function loadRequestFor(viewerId: string, requestId: string): Promise<PaymentRequestView> {
  const row = await selectRequestDetails(pool, requestId);
  if (!row || (row.member_id !== viewerId && row.performer_id !== viewerId)) throw new DomainError("NOT_FOUND", NOT_FOUND);
  return viewFrom(row, viewerId, new Date());
}

/** Locks the request and checks it is `side`'s (the member it is addressed to, or the performer who sent it). */
export async function lockRequestOf(db: PoolClient, requestId: string, side: { memberId: string } | { performerId: string }): Promise<PaymentRequestRow> {
  const row = await lockRequest(db, requestId);
  const mine = row && ("memberId" in side ? row.member_id === side.memberId : row.performer_id === side.performerId);
  if (!row || !mine) throw new DomainError("NOT_FOUND", NOT_FOUND);
  return row;
}

/** The request's status now by the database's clock (read with the row), in the rules' terms. */
export function statusNow(row: PaymentRequestRow): PaymentRequestStatus {
  return row.status === "PENDING" && row.past_expiry ? "EXPIRED" : row.status;
}

/** Refuses `action` unless the request allows it now: already paid is a conflict, declined or expired a precondition. */
export function assertMay(row: PaymentRequestRow, action: "pay" | "decline"): void {
  const status = statusNow(row);
  const refusal = refusalFor(action, status);
  if (refusal) throw new DomainError(status === "PAID" ? "CONFLICT" : "PRECONDITION_FAILED", refusal, { status });
}

function assertSameRequest(existing: PaymentRequestRow, input: z.output<typeof sendPaymentRequestSchema>): void {
  if (existing.member_id !== input.memberId || existing.type !== input.type || existing.description !== input.description || BigInt(existing.amount) !== input.amount) {
    throw new DomainError("CONFLICT", "This request was already sent with different details.");
  }
}

/**
 * A performer asks a member in their room (present in the live room, or in a live show with them) to pay. Refused,
 * with nothing stored, for anyone not in the room; a retry with the same key returns the first request.
 */
export async function sendPaymentRequest(performerId: string, rawInput: SendPaymentRequestInput): Promise<PaymentRequestView> {
  const input = sendPaymentRequestSchema.parse(rawInput);
  const existing = await selectRequestByKey(pool, performerId, input.idempotencyKey);
  if (existing) {
    assertSameRequest(existing, input);
    return loadRequestFor(performerId, existing.id);
  }
  if (input.memberId === performerId) throw new DomainError("BAD_REQUEST", "You can't send a payment request to yourself.", { fieldErrors: { memberId: ["Choose someone else in your room."] } });
  await findSellingPerformer(pool, { performerId });
  if (!(await isInRoom(pool, performerId, input.memberId))) {
    throw new DomainError("PRECONDITION_FAILED", "That person isn't in your room right now, so they can't be asked to pay.", {
      fieldErrors: { memberId: ["Not in your room right now."] },
    });
  }
  const { expiryMinutes } = await getSetting(pool, "paymentRequests");
  const id = await withTransaction(pool, async (db) => {
    const row = await insertPaymentRequest(db, { performerId, ...input, expiryMinutes });
    if (!row) return null;
    await announceRequestChange(db, row.id, "sent");
    return row.id;
  });
  // Null: a concurrent send with the same key stored it first.
  const stored = id ?? (await selectRequestByKey(pool, performerId, input.idempotencyKey))?.id;
  if (!stored) throw new Error("payment request not stored");
  return loadRequestFor(performerId, stored);
}

/** The member it is addressed to turns a pending request down. */
export async function declinePaymentRequest(memberId: string, input: z.input<typeof paymentRequestIdSchema>): Promise<PaymentRequestView> {
  const { requestId } = paymentRequestIdSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const row = await lockRequestOf(db, requestId, { memberId });
    assertMay(row, "decline");
    if (!(await markClosed(db, row.id, "DECLINED"))) throw new Error(`payment request ${row.id} changed under its lock`);
    await announceRequestChange(db, row.id, "declined");
  });
  return loadRequestFor(memberId, requestId);
}

/** The performer who sent a paid service request records that it starts now, or that it finished. */
export async function recordServiceTime(performerId: string, input: z.input<typeof paymentRequestIdSchema>, step: ServiceStep): Promise<PaymentRequestView> {
  const { requestId } = paymentRequestIdSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const row = await lockRequestOf(db, requestId, { performerId });
    const refusal = serviceStepRefusal(
      { type: row.type, status: row.status, serviceStartedAt: row.service_started_at, serviceFinishedAt: row.service_finished_at },
      step,
    );
    if (refusal) throw new DomainError("PRECONDITION_FAILED", refusal);
    if (!(await recordServiceStep(db, row.id, step))) throw new Error(`payment request ${row.id} changed under its lock`);
    await announceRequestChange(db, row.id, step === "start" ? "service_started" : "service_finished");
  });
  return loadRequestFor(performerId, requestId);
}

/** The member gives (or corrects) where paid goods are shipped; the performer sees it at once. */
export async function giveShippingAddress(memberId: string, input: z.input<typeof shippingForRequestSchema>): Promise<PaymentRequestView> {
  const { requestId, address } = shippingForRequestSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const row = await lockRequestOf(db, requestId, { memberId });
    const refusal = shippingRefusal({ type: row.type, status: row.status });
    if (refusal) throw new DomainError("PRECONDITION_FAILED", refusal);
    await setShippingAddress(db, row.id, address);
    await announceRequestChange(db, row.id, "shipping");
  });
  return loadRequestFor(memberId, requestId);
}

const ROOM_LIMIT = 20;
const LIST_LIMIT = 200;

/**
 * The viewer's requests in a performer's room, newest first: all the performer sent there when the viewer is that
 * performer, else the ones addressed to the viewer.
 */
export async function requestsInRoom(viewerId: string, performerId: string): Promise<PaymentRequestView[]> {
  const who = viewerId === performerId ? { performerId } : { memberId: viewerId };
  const rows = await selectRequestsFor(pool, who, { roomOf: performerId, limit: ROOM_LIMIT });
  const now = new Date();
  return rows.map((row) => viewFrom(row, viewerId, now));
}

/** The performer's sent requests, or the member's received ones, newest first, optionally of one status. */
export async function listPaymentRequests(viewerId: string, side: "sent" | "received", status?: PaymentRequestStatus): Promise<PaymentRequestView[]> {
  const rows = await selectRequestsFor(pool, side === "sent" ? { performerId: viewerId } : { memberId: viewerId }, { status, limit: LIST_LIMIT });
  const now = new Date();
  return rows.map((row) => viewFrom(row, viewerId, now));
}
