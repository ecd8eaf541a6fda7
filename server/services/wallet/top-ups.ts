import "server-only";
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { z } from "zod";
import { pool as appPool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { TOP_UP_REFUSAL_WORDS, type TopUpRefusal, assertMayTopUp, autoTopUpKey, decideTopUp } from "@/server/domain/active-wallet";
import { formatWalletAmount } from "@/server/domain/money";
import { DomainError, isDomainError } from "@/server/domain/errors";
import { userChannel } from "@/server/domain/realtime-events";
import type { OutboxMessage } from "@/server/outbox/messages";
import { enqueue } from "@/server/outbox/messages";
import { realtimeEvent } from "@/server/outbox/realtime";
import { type WalletMovePlan, planWalletMove, postWalletMove } from "./moves";
import {
  insertTopUpLog,
  lockPreferencesRow,
  selectTopUpCandidates,
  selectTopUpDay,
  selectTopUpsToday,
  selectWalletBalance,
  setTopUpArmed,
} from "./preference-queries";
import { ruleOf } from "./preferences";
import { type WalletType, walletTypesById } from "./wallet-types";

/**
 * Top-ups of the active wallet from the member's top-up source: automatic ones after a show's settlement, once per
 * threshold crossing (server/domain/active-wallet.ts, decideTopUp), and the room's one-click Top up. Each runs in its
 * own transaction under the lock of the member's preferences row, so concurrent sweeps decide one after another
 * and the second sees the first's outcome; the day's n-th automatic top-up has one idempotency key whoever posts it.
 * A top-up is never part of a settlement's transaction: a refused one must not undo the charges.
 */

export interface TopUpOptions {
  /** Stands in for the database clock (tests, like the sweep's `at`). */
  at?: Date | null;
}

export type AutoTopUpOutcome = "POSTED" | TopUpRefusal | "REARMED" | "NONE" | "NOT_ALLOWED";

/** After a settlement: each of `memberIds` with a rule whose active wallet pays a live meter gets its top-up decided. */
export async function autoTopUpAfterSettle(pool: Pool, memberIds: readonly string[], options: TopUpOptions = {}): Promise<Map<string, AutoTopUpOutcome>> {
  const outcomes = new Map<string, AutoTopUpOutcome>();
  const candidates = await selectTopUpCandidates(pool, [...new Set(memberIds)]);
  for (const userId of candidates) {
    outcomes.set(userId, await withTransaction(pool, (db) => autoTopUp(db, userId, options.at ?? null)));
  }
  return outcomes;
}

async function autoTopUp(db: Queryable, userId: string, at: Date | null): Promise<AutoTopUpOutcome> {
  const row = await lockPreferencesRow(db, userId);
  const rule = ruleOf(row);
  if (!rule) return "NONE";
  const activeId = row.active_wallet_type_id;
  const day = await selectTopUpDay(db, at);
  const postedToday = await selectTopUpsToday(db, userId, at);
  const balance = await selectWalletBalance(db, userId, activeId);
  const sourceBalance = await selectWalletBalance(db, userId, rule.sourceWalletTypeId);
  const decision = decideTopUp({ balance, threshold: rule.below, armed: rule.armed, postedToday, maxPerDay: rule.maxPerDay, sourceBalance, amount: rule.amount });
  if (decision.action === "none") return "NONE";
  if (decision.action === "rearm") {
    await setTopUpArmed(db, userId, true);
    return "REARMED";
  }
  await setTopUpArmed(db, userId, false);
  const types = await walletTypesById(db, [rule.sourceWalletTypeId, activeId]);
  const source = types.get(rule.sourceWalletTypeId) as WalletType;
  const active = types.get(activeId) as WalletType;
  const log = { userId, kind: "AUTO" as const, day, fromWalletTypeId: source.id, toWalletTypeId: active.id, amount: rule.amount };
  if (decision.action === "refuse") {
    const logged = await insertTopUpLog(db, { ...log, outcome: decision.reason, transactionId: null });
    await enqueue(db, [refusedEvent(userId, logged.id, decision.reason, TOP_UP_REFUSAL_WORDS[decision.reason](source.name, rule.maxPerDay), logged.created_at)]);
    return decision.reason;
  }
  let plan: WalletMovePlan;
  try {
    assertMayTopUp(source, active);
    plan = await planWalletMove(db, userId, { fromWalletTypeId: source.id, toWalletTypeId: active.id, amount: rule.amount });
  } catch (error) {
    // The wallets' rules or rates changed since the rule was set: nothing moves, and the member hears why, once
    // per crossing. The notice's key is this firing's own: the disarm above commits with it, so no other firing
    // of this crossing can send one, while a later crossing the same day (same day, sequence and count) must.
    if (!isDomainError(error)) throw error;
    await enqueue(db, [refusedEvent(userId, `${day}:not-allowed:${randomUUID()}`, "NOT_ALLOWED", `Automatic top-up didn't run: ${error.message}`, at ?? new Date())]);
    return "NOT_ALLOWED";
  }
  await db.query("SAVEPOINT top_up");
  try {
    const posted = await postWalletMove(db, plan, {
      kind: "TOP_UP",
      idempotencyKey: autoTopUpKey(userId, day, decision.sequence),
      description: `Automatic top-up from ${source.name}`,
      metadata: { automatic: true, day, sequence: decision.sequence },
    });
    const logged = await insertTopUpLog(db, { ...log, outcome: "POSTED", transactionId: posted.transactionId });
    await enqueue(db, toppedUpMessages(userId, logged.id, plan, true, logged.created_at));
    return "POSTED";
  } catch (error) {
    // The source's guarded debit is the real limit: spent meanwhile, it refuses like a short source.
    if (!isDomainError(error) || error.code !== "INSUFFICIENT_FUNDS") throw error;
    await db.query("ROLLBACK TO SAVEPOINT top_up");
    const logged = await insertTopUpLog(db, { ...log, outcome: "SHORT_OF_FUNDS", transactionId: null });
    await enqueue(db, [refusedEvent(userId, logged.id, "SHORT_OF_FUNDS", TOP_UP_REFUSAL_WORDS.SHORT_OF_FUNDS(source.name, rule.maxPerDay), logged.created_at)]);
    return "SHORT_OF_FUNDS";
  }
}

export const topUpNowSchema = z.object({ idempotencyKey: z.uuid() });

export interface TopUpResult {
  transactionId: bigint;
  replayed: boolean;
  fromWalletTypeId: string;
  toWalletTypeId: string;
  amount: bigint;
  result: bigint;
}

/**
 * The room's Top up button: moves the rule's amount from its source into the active wallet now. It needs a rule
 * (the button leads to the settings otherwise), counts against no daily limit and leaves the automatic rule's
 * arming as it is. A retry with the same key returns the first top-up.
 */
export async function topUpNow(userId: string, input: z.input<typeof topUpNowSchema>, pool: Pool = appPool): Promise<TopUpResult> {
  const { idempotencyKey } = topUpNowSchema.parse(input);
  return withTransaction(pool, async (db) => {
    const row = await lockPreferencesRow(db, userId);
    const rule = ruleOf(row);
    if (!rule) throw new DomainError("PRECONDITION_FAILED", "Choose a wallet to top up from first, under Paying in live rooms.");
    const types = await walletTypesById(db, [rule.sourceWalletTypeId, row.active_wallet_type_id]);
    const source = types.get(rule.sourceWalletTypeId) as WalletType;
    const active = types.get(row.active_wallet_type_id) as WalletType;
    assertMayTopUp(source, active);
    const plan = await planWalletMove(db, userId, { fromWalletTypeId: source.id, toWalletTypeId: active.id, amount: rule.amount });
    const posted = await postWalletMove(db, plan, {
      kind: "TOP_UP",
      idempotencyKey: `top-up:manual:${userId}:${idempotencyKey}`,
      description: `Top-up from ${source.name}`,
      metadata: { automatic: false },
    }).catch((error: unknown) => {
      if (isDomainError(error) && error.code === "INSUFFICIENT_FUNDS") {
        throw new DomainError("INSUFFICIENT_FUNDS", `Your ${source.name} wallet doesn't hold ${formatWalletAmount(rule.amount, { currency: source.currency })}.`);
      }
      throw error;
    });
    if (!posted.replayed) {
      const day = await selectTopUpDay(db, null);
      const logged = await insertTopUpLog(db, {
        userId,
        kind: "MANUAL",
        outcome: "POSTED",
        day,
        fromWalletTypeId: source.id,
        toWalletTypeId: active.id,
        amount: rule.amount,
        transactionId: posted.transactionId,
      });
      await enqueue(db, toppedUpMessages(userId, logged.id, plan, false, logged.created_at));
    }
    return {
      transactionId: posted.transactionId,
      replayed: posted.replayed,
      fromWalletTypeId: source.id,
      toWalletTypeId: active.id,
      amount: plan.quote.amount,
      result: plan.quote.result,
    };
  });
}

function toppedUpMessages(userId: string, logId: string, plan: WalletMovePlan, automatic: boolean, at: Date): OutboxMessage[] {
  return [
    { key: `top-up:${logId}:wallet`, kind: "wallet-update", userId },
    realtimeEvent(`top-up:${logId}:notice`, userChannel(userId), "wallet.topped_up", {
      automatic,
      fromWalletTypeId: plan.from.id,
      fromWallet: plan.from.name,
      fromCurrency: plan.from.currency,
      amount: plan.quote.amount.toString(),
      toWalletTypeId: plan.to.id,
      toWallet: plan.to.name,
      toCurrency: plan.to.currency,
      result: plan.quote.result.toString(),
      at: at.toISOString(),
    }),
  ];
}

function refusedEvent(userId: string, logId: string, reason: string, message: string, at: Date): OutboxMessage {
  return realtimeEvent(`top-up:${userId}:${logId}:refused`, userChannel(userId), "wallet.top_up_refused", { reason, message, at: at.toISOString() });
}
