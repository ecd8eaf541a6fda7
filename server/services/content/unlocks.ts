import "server-only";
/** A member unlocks an item: the CONTENT sale, the unlock row and the receipt, in one transaction. */
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { unlockRefusal } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { env } from "@/server/env";
import { enqueue } from "@/server/outbox/messages";
import { findSellingPerformer, postSale } from "../sales/sales";
import { payingWallet } from "../wallet/spending";
import { type UnlockContentInput, unlockContentSchema } from "./inputs";
import { insertUnlock, itemForUnlock, lockUnlock, unlockOf } from "./queries";
import { contentReceiptEmail } from "./receipt-email";
import { type Viewer, accessOf } from "./views";

export interface UnlockResult {
  itemId: string;
  transactionId: bigint;
  replayed: boolean;
  price: bigint;
  title: string;
  stageName: string;
}

/**
 * A member unlocks an item: one CONTENT sale and the content_unlocks row in one transaction. Unlocks of the same
 * item by the same member queue on an advisory lock, so the later one sees the first: the same key gets the first
 * result back, another key is refused and charged nothing. A retry is answered even if the item has since left
 * sale. The receipt and the wallet updates are written to the outbox with the unlock, once.
 */
export async function unlockContent(memberId: string, input: UnlockContentInput): Promise<UnlockResult> {
  const { itemId: id, idempotencyKey, expectedPrice, walletTypeId } = unlockContentSchema.parse(input);
  const ledgerKey = `content:${memberId}:${idempotencyKey}`;

  const outcome = await withTransaction(pool, async (db) => {
    await lockUnlock(db, id, memberId);
    const item = await itemForUnlock(db, memberId, id);
    const viewer: Viewer | null = item ? { id: memberId, role: item.viewer_role } : null;
    // A suspended performer's item is found here and refused by findSellingPerformer, with the reason.
    if (!item || !viewer || (item.status !== "PUBLISHED" && accessOf(item, viewer) === null)) {
      throw new DomainError("NOT_FOUND", "This item does not exist or is not on sale.");
    }

    if (item.unlocked_at) {
      const unlock = await unlockOf(db, id, memberId);
      if (unlock?.idempotency_key === ledgerKey) {
        return { item, replayed: true as const, transactionId: BigInt(unlock.transaction_id), price: BigInt(unlock.price) };
      }
    }
    const refusal = unlockRefusal({
      isOwner: item.performer_id === memberId,
      isAdmin: viewer.role === "ADMIN",
      unlocked: item.unlocked_at !== null,
      planAccess: item.plan_access,
      status: item.status,
      title: item.title,
      membersOnly: item.members_only,
      planName: item.plan_name,
    });
    if (refusal) throw new DomainError(refusal.code, refusal.message);

    const performer = await findSellingPerformer(db, { performerId: item.performer_id });
    const price = BigInt(item.price);
    if (expectedPrice !== undefined && expectedPrice !== price) {
      throw new DomainError("CONFLICT", `The price changed: “${item.title}” now costs ${formatCredits(price)} credits. Review it and try again.`);
    }
    const wallet = await payingWallet(db, walletTypeId, "CONTENT");
    const sale = await postSale(db, {
      kind: "CONTENT_UNLOCK",
      saleKind: "CONTENT",
      buyerId: memberId,
      performerId: performer.id,
      amount: price,
      idempotencyKey: ledgerKey,
      request: { itemId: id, price },
      description: `Unlocked “${item.title}” from ${performer.stageName}`,
      metadata: { itemId: id, title: item.title, stageName: performer.stageName, walletTypeId: wallet.id },
      sources: [{ account: walletAccount(memberId, wallet), amount: -price }],
    });
    // Unreachable while every unlock posting writes its row in this same transaction (the replay returned above);
    // refused rather than recording a second unlock on one posting.
    if (sale.replayed) throw new DomainError("CONFLICT", "This request was already made with different details.");
    await insertUnlock(db, { itemId: id, memberId, price, transactionId: sale.transactionId, walletTypeId: wallet.id });
    const about = `content-unlock:${sale.transactionId}`;
    await enqueue(db, [
      { key: `${about}:wallet:${memberId}`, kind: "wallet-update", userId: memberId },
      { key: `${about}:wallet:${performer.id}`, kind: "wallet-update", userId: performer.id },
      {
        key: `${about}:receipt`,
        kind: "email",
        email: contentReceiptEmail({
          to: item.buyer_email,
          buyerName: item.buyer_name,
          itemId: id,
          title: item.title,
          stageName: performer.stageName,
          price,
          transactionId: sale.transactionId,
          at: new Date(),
          appUrl: env.APP_URL,
        }),
      },
    ]);
    return {
      item,
      replayed: false as const,
      transactionId: sale.transactionId,
      price,
      stageName: performer.stageName,
    };
  });

  const stageName = outcome.replayed ? (outcome.item.stage_name ?? outcome.item.username) : outcome.stageName;
  return { itemId: id, transactionId: outcome.transactionId, replayed: outcome.replayed, price: outcome.price, title: outcome.item.title, stageName };
}
