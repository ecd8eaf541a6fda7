import "server-only";
/** One paid membership period, the plan it is for and the member's contact, inside the caller's transaction. */
import type { PoolClient } from "pg";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import type { Period } from "@/server/domain/memberships";
import type { OutboxMessage } from "@/server/outbox/messages";
import { postSale } from "../sales/sales";

export interface PlanForSale {
  id: string;
  performer_id: string | null;
  name: string;
  price: string;
  period_days: number;
  active: boolean;
  stage_name: string | null;
}

export const planTitle = (plan: { name: string; stage_name: string | null }) => (plan.stage_name ? `${plan.name} (${plan.stage_name})` : plan.name);

export async function loadPlan(db: Queryable, planId: string): Promise<PlanForSale> {
  const { rows } = await db.query<PlanForSale>(
    `SELECT p.id, p.performer_id, p.name, p.price, p.period_days, p.active, pp.stage_name
       FROM membership_plans p LEFT JOIN performer_profiles pp ON pp.user_id = p.performer_id
      WHERE p.id = $1`,
    [planId],
  );
  const plan = rows[0];
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
    },
  });
  if (!sale.replayed) {
    await db.query(
      `INSERT INTO membership_charges (membership_id, period_start, period_end, price, transaction_id) VALUES ($1, $2, $3, $4, $5)`,
      [charge.membershipId, charge.period.start, charge.period.end, charge.price.toString(), sale.transactionId.toString()],
    );
  }
  return { transactionId: sale.transactionId, replayed: sale.replayed };
}

interface MemberContact {
  email: string;
  display_name: string;
}

/** Wallet updates for the people a membership charge moved (the performer is null for a site plan). */
export function walletUpdates(about: string, userIds: (string | null)[]): OutboxMessage[] {
  return userIds.filter((id): id is string => id !== null).map((userId) => ({ key: `${about}:wallet:${userId}`, kind: "wallet-update", userId }));
}

export async function memberContact(db: Queryable, memberId: string): Promise<MemberContact> {
  const { rows } = await db.query<MemberContact>("SELECT email, display_name FROM users WHERE id = $1", [memberId]);
  const member = rows[0];
  if (!member) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  return member;
}
