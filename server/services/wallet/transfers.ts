import "server-only";
import { randomUUID } from "node:crypto";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type Leg, systemAccount, userAccount } from "@/server/domain/ledger";
import {
  type PreviewTransferInput,
  RECIPIENT_PREVIEW_LIMIT,
  type SendTransferInput,
  quoteTransfer,
  sendTransferSchema,
  type TransferMetadata,
  type TransferQuote,
  previewTransferSchema,
} from "@/server/domain/transfers";
import { earlierPosting, post } from "@/server/ledger/post";
import { env } from "@/server/env";
import { enqueue } from "@/server/outbox/messages";
import { transferReceivedEmail } from "../accounts/account-emails";
import { getSetting } from "../settings/settings";

/**
 * Credits from one user's wallet to another's: sender available -> recipient available, plus a fee to the fees
 * account, in one TRANSFER posting with its `transfers` row. The daily limit holds under concurrency because
 * each sender's transfers are serialized (an advisory lock) before today's total is summed.
 */

interface Party {
  id: string;
  username: string;
  displayName: string;
}

interface Recipient extends Party {
  email: string;
}

/** The recipient named by username or email (both stored lower-case); oneself, nobody and a suspended account are refused. */
async function findRecipient(db: Queryable, senderId: string, recipient: string): Promise<Recipient> {
  const { rows } = await db.query<{ id: string; email: string; username: string; display_name: string; status: string }>(
    `SELECT id, email, username, display_name, status FROM users WHERE ${recipient.includes("@") ? "email" : "username"} = lower($1)`,
    [recipient],
  );
  const found = rows[0];
  if (!found) throw new DomainError("NOT_FOUND", "No one on Tipmeter goes by that username or email address.");
  if (found.id === senderId) throw new DomainError("BAD_REQUEST", "You cannot send credits to yourself.");
  if (found.status !== "ACTIVE") throw new DomainError("PRECONDITION_FAILED", `${found.display_name} cannot receive credits right now.`);
  return { id: found.id, email: found.email, username: found.username, displayName: found.display_name };
}

async function sender(db: Queryable, senderId: string): Promise<Party> {
  const { rows } = await db.query<{ id: string; username: string; display_name: string }>(
    "SELECT id, username, display_name FROM users WHERE id = $1",
    [senderId],
  );
  const found = rows[0];
  if (!found) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return { id: found.id, username: found.username, displayName: found.display_name };
}

/** What the sender has sent since the start of the current UTC day, by the database's clock. */
async function sentToday(db: Queryable, senderId: string): Promise<bigint> {
  const { rows } = await db.query<{ total: string }>(
    `SELECT coalesce(sum(amount), 0) AS total FROM transfers
      WHERE sender_id = $1 AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    [senderId],
  );
  return BigInt(rows[0]?.total ?? "0");
}

export interface TransferTermsView {
  enabled: boolean;
  dailyLimit: bigint;
  feeBps: number;
  minFee: bigint;
  remainingToday: bigint;
}

/** The rules as they apply to this sender today, for the transfer page. */
export async function transferTermsFor(senderId: string): Promise<TransferTermsView> {
  const terms = await getSetting(pool, "transfers");
  const sent = await sentToday(pool, senderId);
  return { ...terms, remainingToday: terms.dailyLimit > sent ? terms.dailyLimit - sent : 0n };
}

export interface TransferPreview extends TransferQuote {
  recipient: { username: string; displayName: string };
}

/** The confirmation step: who receives, the fee and the total, checked like the real thing but posting nothing. */
export async function previewTransfer(senderId: string, input: PreviewTransferInput): Promise<TransferPreview> {
  const { recipient, amount } = previewTransferSchema.parse(input);
  const hit = await consumeRateLimit(`transfer-preview:${senderId}`, RECIPIENT_PREVIEW_LIMIT);
  if (!hit.allowed) {
    throw new DomainError("RATE_LIMITED", `You've looked up many recipients in a short time. Try again in ${Math.ceil(hit.retryAfterSeconds / 60)} minutes.`);
  }
  const to = await findRecipient(pool, senderId, recipient);
  const quote = quoteTransfer(amount, await sentToday(pool, senderId), await getSetting(pool, "transfers"));
  return { ...quote, recipient: { username: to.username, displayName: to.displayName } };
}

export interface TransferResult {
  transferId: string;
  transactionId: bigint;
  replayed: boolean;
  amount: bigint;
  fee: bigint;
  recipientDisplayName: string;
}

/** Sends credits now. A retry with the same key returns the first transfer; nothing posts on any refusal. */
export async function sendTransfer(senderId: string, input: SendTransferInput): Promise<TransferResult> {
  const { recipient, amount, note, idempotencyKey } = sendTransferSchema.parse(input);
  const from = await sender(pool, senderId);
  const to = await findRecipient(pool, senderId, recipient);
  const key = `transfer:${senderId}:${idempotencyKey}`;
  const request = { recipientId: to.id, amount, note: note || null };

  const result = await withTransaction(pool, async (db) => {
    // Serializes this sender's transfers, so the sum below sees every transfer that committed before this one.
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended('transfer-sender:' || $1, 0))", [senderId]);
    const first = await earlierPosting<TransferMetadata>(db, key, request);
    if (first) return { ...first, replayed: true };

    const quote = quoteTransfer(amount, await sentToday(db, senderId), await getSetting(db, "transfers"));
    const metadata: TransferMetadata = {
      transferId: randomUUID(),
      senderId,
      senderName: from.displayName,
      recipientId: to.id,
      recipientName: to.displayName,
      amount: quote.amount.toString(),
      fee: quote.fee.toString(),
      note: note || null,
    };
    const legs: Leg[] = [
      { account: userAccount(senderId, "available"), amount: -quote.total },
      { account: userAccount(to.id, "available"), amount: quote.amount },
    ];
    if (quote.fee > 0n) legs.push({ account: systemAccount("fees"), amount: quote.fee });
    const posted = await post(db, {
      kind: "TRANSFER",
      idempotencyKey: key,
      request,
      actorId: senderId,
      description: `Transfer from ${from.displayName} to ${to.displayName}`,
      metadata: { ...metadata },
      legs,
    });
    await db.query(
      `INSERT INTO transfers (id, sender_id, recipient_id, amount, fee, note, transaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [metadata.transferId, senderId, to.id, quote.amount.toString(), quote.fee.toString(), metadata.note, posted.transactionId.toString()],
    );
    const about = `transfer:${metadata.transferId}`;
    await enqueue(db, [
      { key: `${about}:wallet:${senderId}`, kind: "wallet-update", userId: senderId },
      { key: `${about}:wallet:${to.id}`, kind: "wallet-update", userId: to.id },
      {
        key: `${about}:received-email`,
        kind: "email",
        email: transferReceivedEmail({
          to: to.email,
          name: to.displayName,
          senderName: from.displayName,
          senderUsername: from.username,
          amount: quote.amount,
          note: metadata.note,
          appUrl: env.APP_URL,
        }),
      },
    ]);
    return { metadata, transactionId: posted.transactionId, replayed: false };
  });

  return {
    transferId: result.metadata.transferId,
    transactionId: result.transactionId,
    replayed: result.replayed,
    amount: BigInt(result.metadata.amount),
    fee: BigInt(result.metadata.fee),
    recipientDisplayName: result.metadata.recipientName,
  };
}
