import "server-only";
/** The admin's actions on users: suspending and reactivating them, and the overview's counts. */
import { z } from "zod";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import type { Role, UserStatus } from "@/server/generated/prisma/enums";
import { undeliveredCount } from "@/server/outbox/admin";
import { recordAuditWithPrisma } from "../audit/record";
import { type Db, type UserActor, assertAdmin, parseInput } from "./actors";

export const suspendUserSchema = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(3, "Give a reason of at least 3 characters.").max(500),
});
export type SuspendUserInput = z.input<typeof suspendUserSchema>;

/** Suspends a user and ends all their sessions at once: bumping sessionVersion invalidates every issued JWT. */
export async function suspendUser(actor: UserActor, input: SuspendUserInput): Promise<void> {
  assertAdmin(actor);
  const { userId, reason } = parseInput(suspendUserSchema, input);
  if (userId === actor.id) throw new DomainError("PRECONDITION_FAILED", "You can't suspend your own account.");

  await prisma.$transaction(async (tx) => {
    const suspended = await tx.user.updateMany({
      where: { id: userId, status: "ACTIVE" },
      data: { status: "SUSPENDED", sessionVersion: { increment: 1 } },
    });
    if (suspended.count === 0) await explainUnchangedStatus(tx, userId, "SUSPENDED");
    await recordAuditWithPrisma(tx, { actorId: actor.id, action: "user.suspended", target: { type: "user", id: userId }, details: { reason } });
  });
}

export const reactivateUserSchema = z.object({ userId: z.uuid() });

/** Lifts a suspension. Old sessions stay ended; the user signs in again. */
export async function reactivateUser(actor: UserActor, input: z.input<typeof reactivateUserSchema>): Promise<void> {
  assertAdmin(actor);
  const { userId } = parseInput(reactivateUserSchema, input);

  await prisma.$transaction(async (tx) => {
    const reactivated = await tx.user.updateMany({
      where: { id: userId, status: "SUSPENDED" },
      data: { status: "ACTIVE" },
    });
    if (reactivated.count === 0) await explainUnchangedStatus(tx, userId, "ACTIVE");
    await recordAuditWithPrisma(tx, { actorId: actor.id, action: "user.reactivated", target: { type: "user", id: userId } });
  });
}

async function explainUnchangedStatus(db: Db, userId: string, wanted: UserStatus): Promise<never> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { status: true } });
  if (!user) throw new DomainError("NOT_FOUND", "No such user.");
  throw new DomainError("CONFLICT", wanted === "SUSPENDED" ? "This user is already suspended." : "This user is already active.");
}

export interface AdminOverview {
  usersByRole: Record<Role, number>;
  suspendedUsers: number;
  pendingApplications: number;
  /** Outbox messages failing or given up on: emails and live updates people did not get. */
  undeliveredMessages: number;
}

export async function getAdminOverview(actor: UserActor): Promise<AdminOverview> {
  assertAdmin(actor);
  const [byRole, suspendedUsers, pendingApplications, undelivered] = await Promise.all([
    prisma.user.groupBy({ by: ["role"], _count: { _all: true } }),
    prisma.user.count({ where: { status: "SUSPENDED" } }),
    prisma.performerProfile.count({ where: { status: "PENDING" } }),
    undeliveredCount(),
  ]);
  const usersByRole: Record<Role, number> = { MEMBER: 0, PERFORMER: 0, ADMIN: 0 };
  for (const group of byRole) usersByRole[group.role] = group._count._all;
  return { usersByRole, suspendedUsers, pendingApplications, undeliveredMessages: undelivered };
}
