import "server-only";
/** A member unlocks an item: the CONTENT sale, the unlock row and the receipt, in one statement when it qualifies. */
import { loadActiveSessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { unlockRefusal } from "@/server/domain/content-rules";
import { DomainError } from "@/server/domain/errors";
import { CREDITS, walletAccount } from "@/server/domain/ledger";
import { formatCredits } from "@/server/domain/money";
import { CREDITS_WALLET } from "@/server/domain/wallets";
import { env } from "@/server/env";
import { isLedgerError } from "@/server/ledger/post";
import { requestHash } from "@/server/ledger/request-hash";
import { type OutboxMessage, enqueue, wakeRelayWhenIdleSql } from "@/server/outbox/messages";
import { MEMBERSHIP_GRANTS_ACCESS_SQL } from "../memberships/access";
import { DEFAULT_HOLD, findSellingPerformer, ledgerSaleCall, postSale, sellingPerformerSql } from "../sales/sales";
import { payingWallet } from "../wallet/spending";
import { type UnlockContentInput, unlockContentSchema } from "./inputs";
import { insertUnlock, itemForUnlock, lockUnlock, unlockLockSql, unlockOf } from "./queries";
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

type ParsedUnlock = ReturnType<typeof unlockContentSchema.parse>;

/**
 * A member unlocks an item: one CONTENT sale and the content_unlocks row, with one outbox message naming the sale.
 * The common case (an item on sale that the member may buy, paid from a wallet that may pay for content) is one
 * statement; anything else (a refusal, a retry, a race lost) goes to the transaction that words it. The same key
 * gets the first result back, another key is refused and charged nothing. A retry is answered even if the item has
 * since left sale.
 */
export async function unlockContent(memberId: string, input: UnlockContentInput): Promise<UnlockResult> {
  const unlock = unlockContentSchema.parse(input);
  return (await unlockInOneStatement(memberId, null, unlock)) ?? unlockInTransaction(memberId, unlock);
}

/**
 * unlockContent for a session whose claim nothing has checked yet (`claimedProcedure`): the statement checks it
 * (the member exists, is active, and the session version is current) and posts nothing unless it holds, so the
 * request needs no session query of its own. A session that no longer counts is refused as signed out before
 * anything else is worded.
 */
export async function unlockContentAsSession(session: { userId: string; sessionVersion: number }, input: UnlockContentInput): Promise<UnlockResult> {
  const unlock = unlockContentSchema.parse(input);
  const done = await unlockInOneStatement(session.userId, session.sessionVersion, unlock);
  if (done) return done;
  if (!(await loadActiveSessionUser(session.userId, session.sessionVersion))) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return unlockInTransaction(session.userId, unlock);
}

const ledgerKeyOf = (memberId: string, idempotencyKey: string) => `content:${memberId}:${idempotencyKey}`;

/** What the member asked for, as the sale's request hash records it: the same in both ways of unlocking. */
const unlockRequest = ({ itemId, expectedPrice, walletTypeId }: ParsedUnlock) => ({ itemId, expectedPrice, walletTypeId: walletTypeId ?? CREDITS_WALLET });

/**
 * The common unlock in one statement, the rules of the transaction below in SQL (unlockRefusal, findSellingPerformer,
 * the price check, payingWallet; the parity test in unlocks.int.test.ts runs both on the same cases): the buyer (not
 * an admin; given a session version, active with that version), the item (published, not members-only, not
 * theirs, not unlocked by them, not theirs through a membership), its performer (approved, active, with a stage
 * name), the price they confirmed, the wallet (active, in credits, paying for content), then the sale
 * (ledger_sale), the unlock and one outbox message naming the sale, all hanging off the sale's transaction.
 *
 * No row when anything does not qualify, or when the sale was a replay: nothing is written. The unlock's advisory
 * lock is taken before the sale, so a statement never commits an unlock between the transaction's look and its
 * insert. Two statements racing each other rely on the unique (item, member) of content_unlocks instead: the
 * later one's insert fails, taking its sale back with it.
 */
const UNLOCK_SQL = `
WITH buyer AS MATERIALIZED (
  SELECT b.id FROM users b
   WHERE b.id = $1::uuid AND b.role <> 'ADMIN' AND ($8::int IS NULL OR (b.status = 'ACTIVE' AND b.session_version = $8::int))
), item AS MATERIALIZED (
  SELECT i.id, i.performer_id, i.title, i.price, pp.stage_name,
         (SELECT true FROM (SELECT ${unlockLockSql("i.id", "buyer.id")}) l) AS locked
    FROM buyer
    JOIN content_items i ON i.id = $2::uuid AND i.performer_id <> buyer.id
    JOIN users u ON u.id = i.performer_id
    JOIN performer_profiles pp ON pp.user_id = i.performer_id
   WHERE i.status = 'PUBLISHED' AND NOT i.members_only AND ($3::bigint IS NULL OR i.price = $3::bigint)
     AND ${sellingPerformerSql("u", "pp")}
     AND NOT EXISTS (SELECT 1 FROM content_unlocks cu WHERE cu.item_id = i.id AND cu.member_id = buyer.id)
     AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.plan_id = i.plan_id AND m.member_id = buyer.id AND ${MEMBERSHIP_GRANTS_ACCESS_SQL})
), wallet AS MATERIALIZED (
  SELECT wt.id, 'user:' || $1::uuid::text || ':' || wt.account_kind || ':' || wt.currency AS account
    FROM wallet_types wt JOIN currencies c ON c.code = wt.currency
   WHERE wt.id = coalesce($4::text, '${CREDITS_WALLET}') AND wt.active AND c.active AND wt.currency = '${CREDITS}'
     AND 'CONTENT' = ANY (wt.pays_for)
), sale AS MATERIALIZED (
  SELECT item.id AS item_id, item.title, item.price, item.stage_name, wallet.id AS wallet_type_id, s.transaction_id, s.replayed
    FROM item CROSS JOIN wallet
   CROSS JOIN LATERAL ${ledgerSaleCall({
     kind: "'CONTENT_UNLOCK'",
     saleKind: "'CONTENT'",
     buyer: "$1",
     performer: "item.performer_id",
     amount: "item.price",
     idempotencyKey: "$5",
     requestHash: "$6",
     description: "'Unlocked “' || item.title || '” from ' || item.stage_name",
     metadata: "jsonb_build_object('itemId', item.id, 'title', item.title, 'stageName', item.stage_name, 'walletTypeId', wallet.id)",
     sourceCodes: "ARRAY[wallet.account]",
     sourceAmounts: "ARRAY[-item.price]",
     defaultHold: "$7",
   })} s
   WHERE item.locked
), unlocked AS (
  INSERT INTO content_unlocks (id, item_id, member_id, price, transaction_id, wallet_type_id)
  SELECT gen_random_uuid(), s.item_id, $1::uuid, s.price, s.transaction_id, s.wallet_type_id FROM sale s WHERE NOT s.replayed
), announced AS (
  INSERT INTO outbox_messages (key, kind, payload)
  SELECT 'content-unlock:' || s.transaction_id, 'content-unlock', jsonb_build_object('transactionId', s.transaction_id::text)
    FROM sale s WHERE NOT s.replayed
)
SELECT s.transaction_id, s.price, s.title, s.stage_name, ${wakeRelayWhenIdleSql("true")} AS woke_relay
  FROM sale s WHERE NOT s.replayed`;

/** A unique violation: the (item, member) of content_unlocks, taken by a concurrent unlock. */
const UNIQUE_VIOLATION = "23505";

/**
 * Runs UNLOCK_SQL: the unlock, or null for the transaction to work out and word. A ledger refusal goes there too
 * rather than straight back: when a concurrent unlock of the same item took the credits, the answer is that it is
 * already unlocked, which only a look after that unlock can give.
 */
async function unlockInOneStatement(memberId: string, sessionVersion: number | null, unlock: ParsedUnlock): Promise<UnlockResult | null> {
  try {
    const { rows } = await pool.query<{ transaction_id: string; price: string; title: string; stage_name: string }>({
      name: "unlock_content",
      text: UNLOCK_SQL,
      values: [
        memberId,
        unlock.itemId,
        unlock.expectedPrice?.toString() ?? null,
        unlock.walletTypeId ?? null,
        ledgerKeyOf(memberId, unlock.idempotencyKey),
        requestHash(unlockRequest(unlock)),
        DEFAULT_HOLD,
        sessionVersion,
      ],
    });
    const row = rows[0];
    if (!row) return null;
    return {
      itemId: unlock.itemId,
      transactionId: BigInt(row.transaction_id),
      replayed: false,
      price: BigInt(row.price),
      title: row.title,
      stageName: row.stage_name,
    };
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION || isLedgerError(error)) return null;
    throw error;
  }
}

/**
 * Every unlock the statement did not take, in one transaction that words why not. Unlocks of the same item by the
 * same member queue on an advisory lock (the statement takes it too), so the later one sees the first.
 */
export async function unlockInTransaction(memberId: string, unlock: ParsedUnlock): Promise<UnlockResult> {
  const { itemId: id, idempotencyKey, expectedPrice, walletTypeId } = unlock;
  const ledgerKey = ledgerKeyOf(memberId, idempotencyKey);

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
      request: unlockRequest(unlock),
      description: `Unlocked “${item.title}” from ${performer.stageName}`,
      metadata: { itemId: id, title: item.title, stageName: performer.stageName, walletTypeId: wallet.id },
      sources: [{ account: walletAccount(memberId, wallet), amount: -price }],
    });
    // Unreachable while every unlock posting writes its row with it (the replay returned above); refused rather
    // than recording a second unlock on one posting.
    if (sale.replayed) throw new DomainError("CONFLICT", "This request was already made with different details.");
    await insertUnlock(db, { itemId: id, memberId, price, transactionId: sale.transactionId, walletTypeId: wallet.id });
    const about = `content-unlock:${sale.transactionId}`;
    await enqueue(db, [{ key: about, kind: "content-unlock", transactionId: sale.transactionId.toString() }]);
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

/**
 * What the outbox messages of unlocks stand for, by transaction id, as the relay delivers them: both wallets and the
 * buyer's receipt, under the keys they had as messages of their own; read from the unlocks and their postings (the
 * title and stage name as sold), so the request that unlocks writes one small row. An id that names no unlock has
 * no entry.
 */
export async function contentUnlockAnnouncements(db: Queryable, transactionIds: readonly string[]): Promise<Map<string, OutboxMessage[]>> {
  const { rows } = await db.query<{
    transaction_id: string;
    item_id: string;
    member_id: string;
    price: string;
    email: string;
    display_name: string;
    metadata: { title: string; stageName: string; performerId: string };
    created_at: Date;
  }>(
    `SELECT u.transaction_id, u.item_id, u.member_id, u.price, b.email, b.display_name, t.metadata, t.created_at
       FROM content_unlocks u JOIN ledger_transactions t ON t.id = u.transaction_id JOIN users b ON b.id = u.member_id
      WHERE u.transaction_id = ANY ($1::bigint[])`,
    [transactionIds],
  );
  return new Map(
    rows.map((unlock) => {
      const { title, stageName, performerId } = unlock.metadata;
      const about = `content-unlock:${unlock.transaction_id}`;
      const announcements: OutboxMessage[] = [
        { key: `${about}:wallet:${unlock.member_id}`, kind: "wallet-update", userId: unlock.member_id },
        { key: `${about}:wallet:${performerId}`, kind: "wallet-update", userId: performerId },
        {
          key: `${about}:receipt`,
          kind: "email",
          email: contentReceiptEmail({
            to: unlock.email,
            buyerName: unlock.display_name,
            itemId: unlock.item_id,
            title,
            stageName,
            price: BigInt(unlock.price),
            transactionId: BigInt(unlock.transaction_id),
            at: unlock.created_at,
            appUrl: env.APP_URL,
          }),
        },
      ];
      return [unlock.transaction_id, announcements];
    }),
  );
}
