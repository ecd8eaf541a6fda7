import "server-only";
/** Membership plans: site plans and performers' fan clubs, their owners' management, and the plans on offer. */
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import {
  type MembershipStatus,
  type PlanInput,
  type UpdatePlanInput,
  planInputSchema,
  updatePlanSchema,
} from "@/server/domain/memberships";
import { recordAuditWithPrisma } from "../audit/record";
import { grantsAccessAt, membershipGrantsAccess } from "./access";

export { planInputSchema, updatePlanSchema, type PlanInput, type UpdatePlanInput };

/** Who a plan belongs to: the site (created by admins) or one performer. */
export type PlanOwner = { kind: "site"; adminId: string } | { kind: "performer"; performerId: string };

const ownerId = (owner: PlanOwner) => (owner.kind === "site" ? null : owner.performerId);
const actorOf = (owner: PlanOwner) => (owner.kind === "site" ? owner.adminId : owner.performerId);

export interface PlanView {
  id: string;
  performerId: string | null;
  name: string;
  description: string;
  perks: string;
  price: bigint;
  periodDays: number;
  active: boolean;
  /** Memberships granting access now. */
  memberCount: number;
}

function planSelect(at: Date) {
  return {
    id: true,
    performerId: true,
    name: true,
    description: true,
    perks: true,
    price: true,
    periodDays: true,
    active: true,
    _count: { select: { memberships: { where: membershipGrantsAccess(at) } } },
  } as const;
}

function planView({ _count, ...plan }: { _count: { memberships: number } } & Omit<PlanView, "memberCount">): PlanView {
  return { ...plan, memberCount: _count.memberships };
}

export async function createPlan(owner: PlanOwner, input: PlanInput): Promise<PlanView> {
  const plan = planInputSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const created = await tx.membershipPlan.create({ data: { performerId: ownerId(owner), ...plan }, select: planSelect(new Date()) });
    await recordAuditWithPrisma(tx, { actorId: actorOf(owner), action: "membership_plan.create", target: { type: "membership_plan", id: created.id }, details: plan });
    return planView(created);
  });
}

/** Edits one of the owner's plans; another owner's plan is refused. A new price applies from the next renewal. */
export async function updatePlan(owner: PlanOwner, input: UpdatePlanInput): Promise<PlanView> {
  const { id, ...plan } = updatePlanSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    // The owner is part of the update, so a plan that changed hands meanwhile cannot be edited by the old owner.
    const updated = await tx.membershipPlan.updateMany({ where: { id, performerId: ownerId(owner) }, data: plan });
    if (updated.count === 0) {
      const exists = await tx.membershipPlan.count({ where: { id } });
      if (!exists) throw new DomainError("NOT_FOUND", "That plan does not exist.");
      throw new DomainError("FORBIDDEN", owner.kind === "site" ? "Only site plans are edited here." : "You can only edit your own plans.");
    }
    await recordAuditWithPrisma(tx, { actorId: actorOf(owner), action: "membership_plan.update", target: { type: "membership_plan", id }, details: plan });
    return planView(await tx.membershipPlan.findUniqueOrThrow({ where: { id }, select: planSelect(new Date()) }));
  });
}

/** Every plan of the owner, on offer or not, for their management page. */
export async function plansOwnedBy(owner: PlanOwner): Promise<PlanView[]> {
  const plans = await prisma.membershipPlan.findMany({
    where: { performerId: ownerId(owner) },
    orderBy: [{ active: "desc" }, { price: "asc" }, { createdAt: "asc" }],
    select: planSelect(new Date()),
  });
  return plans.map(planView);
}

export interface OfferedPlan extends PlanView {
  /** The viewer's own membership of the plan, when signed in and they have one. */
  viewerMembership: { id: string; status: MembershipStatus; currentPeriodEnd: Date; hasAccess: boolean } | null;
}

/** The plans on offer: a performer's fan clubs (by username), or the site plans; with the viewer's membership. */
export async function offeredPlans(who: { performerUsername: string } | { site: true }, viewerId: string | null): Promise<OfferedPlan[]> {
  const at = new Date();
  let performerId: string | null = null;
  if ("performerUsername" in who) {
    const performer = await prisma.user.findFirst({
      where: { username: who.performerUsername.toLowerCase(), status: "ACTIVE", performerProfile: { status: "APPROVED" } },
      select: { id: true },
    });
    if (!performer) return [];
    performerId = performer.id;
  }
  const plans = await prisma.membershipPlan.findMany({
    where: { active: true, performerId },
    orderBy: [{ price: "asc" }, { createdAt: "asc" }],
    select: {
      ...planSelect(at),
      memberships: {
        where: viewerId === null ? { id: { in: [] } } : { memberId: viewerId },
        select: { id: true, status: true, currentPeriodEnd: true, graceUntil: true },
      },
    },
  });
  return plans.map(({ memberships, ...plan }) => {
    const membership = memberships[0];
    return {
      ...planView(plan),
      viewerMembership: membership
        ? { id: membership.id, status: membership.status, currentPeriodEnd: membership.currentPeriodEnd, hasAccess: grantsAccessAt(membership, at) }
        : null,
    };
  });
}
