import { z } from "zod";
import { DomainError } from "./errors";
import { formatCredits, mulDivFloor } from "./money";
import { CREDITS_WALLET } from "./wallets";

/** Transfer rules, pure: the fee, the daily limit and what the sender pays in all. */

export interface TransferTerms {
  enabled: boolean;
  /** The most credits one sender may send per UTC day (fees not counted). */
  dailyLimit: bigint;
  feeBps: number;
  minFee: bigint;
}

/** The fee on a transfer: feeBps of the amount, rounded down in the sender's favour, but at least minFee. */
export function transferFee(amount: bigint, terms: { feeBps: number; minFee: bigint }): bigint {
  if (amount <= 0n) throw new RangeError("a transfer amount must be positive");
  const proportional = mulDivFloor(amount, BigInt(terms.feeBps), 10_000n);
  return proportional > terms.minFee ? proportional : terms.minFee;
}

export interface TransferQuote {
  amount: bigint;
  fee: bigint;
  /** What leaves the sender's wallet: amount + fee. */
  total: bigint;
  /** What the sender may still send today after this transfer. */
  remainingToday: bigint;
}

/** Prices a transfer, or refuses it while transfers are off or when it would pass today's limit. */
export function quoteTransfer(amount: bigint, sentToday: bigint, terms: TransferTerms): TransferQuote {
  if (!terms.enabled) throw new DomainError("PRECONDITION_FAILED", "Transfers are turned off at the moment.");
  const left = terms.dailyLimit > sentToday ? terms.dailyLimit - sentToday : 0n;
  if (amount > left) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      left === 0n
        ? `You have reached today's transfer limit of ${formatCredits(terms.dailyLimit)} credits. It resets at midnight UTC.`
        : `That is over today's transfer limit: you can send ${formatCredits(left)} more credits today.`,
    );
  }
  const fee = transferFee(amount, terms);
  return { amount, fee, total: amount + fee, remainingToday: left - amount };
}

/** What a TRANSFER posting records, so each side's history can name the other. */
export interface TransferMetadata {
  transferId: string;
  senderId: string;
  senderName: string;
  recipientId: string;
  recipientName: string;
  amount: string;
  fee: string;
  note: string | null;
  /** The sender's wallet the credits left; absent on transfers made before wallets, which all left Credits. */
  sourceWalletTypeId?: string;
}

function isTransferMetadata(metadata: unknown): metadata is TransferMetadata {
  const candidate = metadata as Partial<TransferMetadata> | null;
  return typeof candidate?.senderId === "string" && typeof candidate.senderName === "string" && typeof candidate.recipientName === "string";
}

/**
 * A transfer as one side's history reads it: one posting, two points of view. The sender's line names the
 * recipient (and the fee included in its amount), the recipient's line names the sender; the note goes on both.
 */
export function transferLineDescription(metadata: unknown, viewerId: string, fallback: string): string {
  if (!isTransferMetadata(metadata)) return fallback;
  const sent = metadata.senderId === viewerId;
  const fee = sent && metadata.fee !== "0" ? ` (incl. ${formatCredits(BigInt(metadata.fee))} fee)` : "";
  const note = metadata.note ? `: “${metadata.note}”` : "";
  return sent ? `Transfer to ${metadata.recipientName}${fee}${note}` : `Transfer from ${metadata.senderName}${note}`;
}

/**
 * Previews per sender: a preview by email says whether an account exists, so an unthrottled one would let a
 * member test a list of addresses. A person checking a few recipients never meets it.
 */
export const RECIPIENT_PREVIEW_LIMIT = { limit: 30, windowMs: 10 * 60 * 1000 } as const;

const MAX_TRANSFER = 100_000n;
export const MAX_TRANSFER_NOTE = 140;

/** A transfer as the member asks for it, shared by the transfer form in the browser and the tRPC input. */
export const transferRequestSchema = z.object({
  /** A username, or an email address. */
  recipient: z.string().trim().min(1, "Enter a username or email address.").max(254, "That is too long for a username or email address."),
  amount: z
    .bigint()
    .min(1n, "A transfer is at least 1 credit.")
    .max(MAX_TRANSFER, `A transfer is at most ${formatCredits(MAX_TRANSFER)} credits.`),
});

/** The sender's wallet to send from, by wallet type id; Credits unless they pick another transferable one. */
const sourceWalletSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, "There is no such wallet.")
  .default(CREDITS_WALLET);

export const previewTransferSchema = transferRequestSchema.extend({ fromWallet: sourceWalletSchema });
export type PreviewTransferInput = z.input<typeof previewTransferSchema>;

export const sendTransferSchema = transferRequestSchema.extend({
  fromWallet: sourceWalletSchema,
  note: z.string().trim().max(MAX_TRANSFER_NOTE, `A note is at most ${MAX_TRANSFER_NOTE} characters.`).optional(),
  idempotencyKey: z.uuid(),
});
export type SendTransferInput = z.input<typeof sendTransferSchema>;
