import "server-only";
/** One paid membership period, the plan it is for and the member's contact, inside the caller's transaction. */
import type { PoolClient } from "pg";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { walletAccount } from "@/server/domain/ledger";
import type { Period } from "@/server/domain/memberships";
import type { OutboxMessage } from "@/server/outbox/messages";
import { postSale } from "../sales/sales";
import type { WalletType } from "../wallet/wallet-types";
import { type MemberContact, type PlanForSale, insertMembershipCharge, memberContactRow, planForSale } from "./queries";

export type { PlanForSale };

export const planTitle = (plan: { name: string; stage_name: string | null }) => (plan.stage_name ? `${plan.name} (${plan.stage_name})` : plan.name);

export async function loadPlan(db: Queryable, planId: string): Promise<PlanForSale> {
  const plan = await planForSale(db, planId);
  if (!plan) throw new DomainError("NOT_FOUND", "That plan does not exist.");
  return plan;
}

interface ChargeInput {
  membershipId: string;
  memberId: string;
  plan: PlanForSale;
  price: bigint;
  period: Period;
  idempotencyKey: string;
  request: unknown;
  renewal: boolean;
  /** The wallet that pays, already checked to be allowed to pay for memberships. */
  wallet: WalletType;
}

/** One period paid: the sale (commission, earnings lot) and its membership_charges row, in the caller's transaction. */
export async function chargePeriod(db: PoolClient, charge: ChargeInput): Promise<{ transactionId: bigint; replayed: boolean }> {
  const sale = await postSale(db, {
    kind: "MEMBERSHIP_CHARGE",
    saleKind: "MEMBERSHIP",
    buyerId: charge.memberId,
    performerId: charge.plan.performer_id,
    amount: charge.price,
    idempotencyKey: charge.idempotencyKey,
    request: charge.request,
    description: `${charge.renewal ? "Membership renewal" : "Membership"}: ${planTitle(charge.plan)}`,
    metadata: {
      membershipId: charge.membershipId,
      planId: charge.plan.id,
      planName: charge.plan.name,
      periodStart: charge.period.start.toISOString(),
      periodEnd: charge.period.end.toISOString(),
      walletTypeId: charge.wallet.id,
    },
    sources: [{ account: walletAccount(charge.memberId, charge.wallet), amount: -charge.price }],
  });
  if (!sale.replayed) {
    await insertMembershipCharge(db, { membershipId: charge.membershipId, period: charge.period, price: charge.price, transactionId: sale.transactionId });
  }
  return { transactionId: sale.transactionId, replayed: sale.replayed };
}

/** Wallet updates for the people a membership charge moved (the performer is null for a site plan). */
export function walletUpdates(about: string, userIds: (string | null)[]): OutboxMessage[] {
  return userIds.filter((id): id is string => id !== null).map((userId) => ({ key: `${about}:wallet:${userId}`, kind: "wallet-update", userId }));
}

export async function memberContact(db: Queryable, memberId: string): Promise<MemberContact> {
  const member = await memberContactRow(db, memberId);
  if (!member) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return member;
}
