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
import { membershipNoticeMessage } from "./notice-emails";
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
  /** For a renewal, the end of the period it follows (the renewal's messages are named after it); null for a join. */
  renewalOf: Date | null;
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
    description: `${charge.renewalOf ? "Membership renewal" : "Membership"}: ${planTitle(charge.plan)}`,
    metadata: {
      membershipId: charge.membershipId,
      planId: charge.plan.id,
      planName: charge.plan.name,
      periodStart: charge.period.start.toISOString(),
      periodEnd: charge.period.end.toISOString(),
      walletTypeId: charge.wallet.id,
      ...(charge.renewalOf ? { renewalOf: charge.renewalOf.toISOString() } : {}),
    },
    sources: [{ account: walletAccount(charge.memberId, charge.wallet), amount: -charge.price }],
  });
  if (!sale.replayed) {
    await insertMembershipCharge(db, { membershipId: charge.membershipId, period: charge.period, price: charge.price, transactionId: sale.transactionId });
  }
  return { transactionId: sale.transactionId, replayed: sale.replayed };
}

/** What a joined membership's paid period is called in the outbox: the message, and the keys of what it announces. */
export const joinedPeriod = (membershipId: string, periodStart: Date) => `membership:${membershipId}:period:${periodStart.toISOString()}`;

/** The one outbox message of a join's paid period, from which the relay renders its announcements. */
export function membershipChargeMessage(membershipId: string, period: Period, transactionId: bigint): OutboxMessage {
  return { key: joinedPeriod(membershipId, period.start), kind: "membership-charge", transactionId: transactionId.toString() };
}

/** What a membership charge's metadata records: the sale's (server/services/sales/sales.ts) and chargePeriod's. */
interface StoredChargeMetadata {
  membershipId: string;
  planName: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  performerId: string | null;
  /** A renewal's: the end of the period it follows. */
  renewalOf?: string;
}

/** What a renewal of the period that ended at `periodEnd` is called in the outbox: its notice and wallet updates hang off it. */
export const renewedPeriod = (membershipId: string, periodEnd: Date) => `membership:${membershipId}:renewed:${periodEnd.toISOString()}`;

/**
 * What the outbox messages of paid periods (joins' and renewals') stand for, as the relay delivers them, by
 * transaction id: the receipt and both wallets' updates, under the keys and with the content they had when the
 * join and the renewal run wrote them themselves.
 * Read from the posted charges, their members and the performers' stage names, in one statement for a relay's
 * batch, so the request that posts a charge writes one small row.
 */
export async function membershipChargeAnnouncements(db: Queryable, transactionIds: readonly string[]): Promise<Map<string, OutboxMessage[]>> {
  const { rows } = await db.query<{ id: string; actor_id: string; email: string; display_name: string; stage_name: string | null; metadata: StoredChargeMetadata }>(
    `SELECT t.id, t.actor_id, u.email, u.display_name, pp.stage_name, t.metadata
       FROM ledger_transactions t
       JOIN users u ON u.id = t.actor_id
       LEFT JOIN performer_profiles pp ON pp.user_id = (t.metadata ->> 'performerId')::uuid
      WHERE t.id = ANY ($1::bigint[]) AND t.kind = 'MEMBERSHIP_CHARGE'`,
    [transactionIds],
  );
  return new Map(
    rows.map((charge) => {
      const { membershipId, planName, periodStart, periodEnd, amount, performerId, renewalOf } = charge.metadata;
      const about = renewalOf ? renewedPeriod(membershipId, new Date(renewalOf)) : joinedPeriod(membershipId, new Date(periodStart));
      const announcements: OutboxMessage[] = [
        membershipNoticeMessage(renewalOf ? `${about}:notice` : `${about}:receipt`, {
          kind: "receipt",
          renewal: renewalOf !== undefined,
          to: charge.email,
          memberName: charge.display_name,
          planTitle: planTitle({ name: planName, stage_name: charge.stage_name }),
          price: BigInt(amount),
          periodStart: new Date(periodStart),
          periodEnd: new Date(periodEnd),
        }),
        ...walletUpdates(about, [charge.actor_id, performerId]),
      ];
      return [charge.id, announcements];
    }),
  );
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
