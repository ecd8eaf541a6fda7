import { randomUUID } from "node:crypto";
import type { Queryable } from "@/server/db/transaction";
import { type UserAccountKind, adjustmentLegs, purchaseLegs, systemAccount, walletAccount } from "@/server/domain/ledger";
import { post } from "@/server/ledger/post";

type Role = "MEMBER" | "PERFORMER" | "ADMIN";

/** Inserts a user straight into the database (its ledger accounts open by trigger). Tests only. */
export async function insertUser(db: Queryable, role: Role = "MEMBER", label = role.toLowerCase()): Promise<string> {
  const id = randomUUID();
  const handle = `${label}-${id.slice(0, 8)}`;
  await db.query(
    `INSERT INTO users (id, email, username, display_name, password_hash, role)
     VALUES ($1, $2, $3, $4, 'not-a-real-hash', $5::"Role")`,
    [id, `${handle}@tipmeter.test`, handle, handle, role],
  );
  return id;
}

/** Gives a user credits through an admin adjustment, as a test's starting balance: Credits unless another account is named. */
export async function fundUser(db: Queryable, userId: string, credits: bigint, account: UserAccountKind = "available"): Promise<void> {
  await post(db, {
    kind: "ADJUSTMENT",
    idempotencyKey: `test-funding:${randomUUID()}`,
    actorId: null,
    description: "Test funding",
    legs: adjustmentLegs(userId, account, credits),
  });
}

/** Gives a user an amount, in the wallet's minor units, in any of their wallets through an adjustment in its currency. */
export async function fundWallet(db: Queryable, userId: string, wallet: { accountKind: string; currency: string }, amount: bigint): Promise<void> {
  await post(db, {
    kind: "ADJUSTMENT",
    idempotencyKey: `test-funding:${randomUUID()}`,
    actorId: null,
    description: "Test funding",
    legs: [
      { account: walletAccount(userId, wallet), amount },
      { account: systemAccount("adjustments", wallet.currency), amount: -amount },
    ],
  });
}

/** A card purchase that Stripe reported paid, credited the way the webhook credits it. Tests only. */
export async function insertPaidPurchase(db: Queryable, userId: string, credits: bigint): Promise<string> {
  const { rows: packs } = await db.query<{ id: string }>(
    `INSERT INTO credit_packages (id, name, credits, price_minor, currency, updated_at)
     VALUES (gen_random_uuid(), 'Test pack', $1, $1, 'usd', now()) RETURNING id`,
    [credits.toString()],
  );
  const purchaseId = randomUUID();
  await db.query(
    `INSERT INTO credit_purchases (id, user_id, package_id, credits, price_minor, currency, status, idempotency_key, updated_at)
     VALUES ($1::uuid, $2, $3, $4, $4, 'usd', 'PAID', $1::text, now())`,
    [purchaseId, userId, packs[0]?.id, credits.toString()],
  );
  await post(db, {
    kind: "PURCHASE",
    idempotencyKey: `purchase:${purchaseId}:credit`,
    actorId: userId,
    description: "Credits bought with a card",
    metadata: { purchaseId },
    legs: purchaseLegs(userId, credits),
  });
  return purchaseId;
}
