import "server-only";
import { randomUUID } from "node:crypto";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { type Leg, systemAccount, userAccount, walletAccount } from "@/server/domain/ledger";
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
import { assertMayTransfer } from "@/server/domain/wallets";
import { earlierPosting, post } from "@/server/ledger/post";
import { env } from "@/server/env";
import { enqueue } from "@/server/outbox/messages";
import { transferReceivedEmail } from "../accounts/account-emails";
import { getSetting } from "../settings/settings";
import { insertTransfer, lockSenderTransfers, sentToday } from "./queries";
import { type WalletType, walletTypeById } from "./wallet-types";

/**
 * Credits from one of the sender's transferable wallets (Credits unless they pick another) to the recipient's
 * Credits wallet, whatever the recipient's role, so a transfer can never become withdrawable Earnings. The fee
 * comes from the same source wallet. One TRANSFER posting with its `transfers` row, both naming the source. The daily limit holds under concurrency because
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
async function findRecipient(senderId: string, recipient: string): Promise<Recipient> {
  const name = recipient.toLowerCase();
  const found = await prisma.user.findUnique({
    where: recipient.includes("@") ? { email: name } : { username: name },
    select: { id: true, email: true, username: true, displayName: true, status: true },
  });
  if (!found) throw new DomainError("NOT_FOUND", "No one on Tipmeter goes by that username or email address.");
  if (found.id === senderId) throw new DomainError("BAD_REQUEST", "You cannot send credits to yourself.");
  if (found.status !== "ACTIVE") throw new DomainError("PRECONDITION_FAILED", `${found.displayName} cannot receive credits right now.`);
  return { id: found.id, email: found.email, username: found.username, displayName: found.displayName };
}

/** The sender's wallet to send from; an unknown, inactive or non-transferable one is refused before anything posts. */
async function transferableWallet(db: Queryable, walletTypeId: string): Promise<WalletType> {
  const wallet = await walletTypeById(db, walletTypeId);
  assertMayTransfer(wallet);
  return wallet;
}

async function sender(senderId: string): Promise<Party> {
  const found = await prisma.user.findUnique({ where: { id: senderId }, select: { id: true, username: true, displayName: true } });
  if (!found) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return found;
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
  fromWallet: { id: string; name: string };
}

/** The confirmation step: who receives, the fee and the total, checked like the real thing but posting nothing. */
export async function previewTransfer(senderId: string, input: PreviewTransferInput): Promise<TransferPreview> {
  const { recipient, amount, fromWallet } = previewTransferSchema.parse(input);
  const source = await transferableWallet(pool, fromWallet);
  const hit = await consumeRateLimit(`transfer-preview:${senderId}`, RECIPIENT_PREVIEW_LIMIT);
  if (!hit.allowed) {
    throw new DomainError("RATE_LIMITED", `You've looked up many recipients in a short time. Try again in ${Math.ceil(hit.retryAfterSeconds / 60)} minutes.`);
  }
  const to = await findRecipient(senderId, recipient);
  const quote = quoteTransfer(amount, await sentToday(pool, senderId), await getSetting(pool, "transfers"));
  return { ...quote, recipient: { username: to.username, displayName: to.displayName }, fromWallet: { id: source.id, name: source.name } };
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
  const { recipient, amount, note, idempotencyKey, fromWallet } = sendTransferSchema.parse(input);
  const from = await sender(senderId);
  const to = await findRecipient(senderId, recipient);
  const key = `transfer:${senderId}:${idempotencyKey}`;
  const request = { recipientId: to.id, amount, note: note || null, fromWallet };

  const result = await withTransaction(pool, async (db) => {
    // Serializes this sender's transfers, so the sum below sees every transfer that committed before this one.
    await lockSenderTransfers(db, senderId);
    const first = await earlierPosting<TransferMetadata>(db, key, request);
    if (first) return { ...first, replayed: true };

    const source = await transferableWallet(db, fromWallet);
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
      sourceWalletTypeId: source.id,
    };
    const legs: Leg[] = [
      { account: walletAccount(senderId, source), amount: -quote.total },
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
    await insertTransfer(db, {
      id: metadata.transferId,
      senderId,
      recipientId: to.id,
      amount: quote.amount,
      fee: quote.fee,
      note: metadata.note,
      transactionId: posted.transactionId,
      sourceWalletTypeId: source.id,
    });
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
