import "server-only";
/** Performer applications: a member applies (again, after a rejection), an admin reviews, and the admin's list. */
import { z } from "zod";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { type PerformerApplicationInput, performerApplicationSchema, reviewNoteSchema } from "@/server/domain/user-rules";
import { env } from "@/server/env";
import { Prisma } from "@/server/generated/prisma/client";
import type { ApplicationStatus, UserStatus } from "@/server/generated/prisma/enums";
import { enqueueWithPrisma } from "@/server/outbox/messages";
import { recordAuditWithPrisma } from "../audit/record";
import { applicationDecisionEmail } from "./account-emails";
import { type Announce, type UserActor, assertAdmin, parseInput } from "./actors";

/**
 * A member asks to become a performer. A rejected applicant may apply again, which replaces the old
 * application; a pending or approved one can't be submitted twice.
 */
export async function applyAsPerformer(actor: UserActor, input: PerformerApplicationInput): Promise<void> {
  if (actor.role === "PERFORMER") throw new DomainError("CONFLICT", "You're already a performer.");
  if (actor.role !== "MEMBER") throw new DomainError("FORBIDDEN", "Administrator accounts can't apply as performers.");
  const application = parseInput(performerApplicationSchema, input);

  await prisma.$transaction(async (tx) => {
    const existing = await tx.performerProfile.findUnique({ where: { userId: actor.id }, select: { status: true } });
    if (existing?.status === "PENDING") {
      throw new DomainError("CONFLICT", "Your application is already waiting for review.");
    }
    if (existing?.status === "APPROVED") throw new DomainError("CONFLICT", "Your application was already approved.");
    try {
      if (existing) {
        const resubmitted = await tx.performerProfile.updateMany({
          where: { userId: actor.id, status: "REJECTED" },
          data: { ...application, status: "PENDING", reviewedById: null, reviewedAt: null, reviewNote: null },
        });
        if (resubmitted.count === 0) throw new DomainError("CONFLICT", "Your application changed meanwhile; reload.");
      } else {
        await tx.performerProfile.create({ data: { userId: actor.id, ...application } });
      }
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new DomainError("CONFLICT", "Your application is already waiting for review.");
      }
      throw error;
    }
    await recordAuditWithPrisma(tx, {
      actorId: actor.id,
      action: "performer_application.submitted",
      target: { type: "user", id: actor.id },
      details: { stageName: application.stageName },
    });
  });
}

export const reviewApplicationSchema = z.discriminatedUnion("decision", [
  z.object({ userId: z.uuid(), decision: z.literal("APPROVE"), note: reviewNoteSchema.optional() }),
  z.object({
    userId: z.uuid(),
    decision: z.literal("REJECT"),
    note: reviewNoteSchema.pipe(z.string().min(3, "Tell the applicant why, in a few words.")),
  }),
]);
export type ReviewApplicationInput = z.input<typeof reviewApplicationSchema>;

/**
 * Approves (the member becomes a PERFORMER) or rejects (with a note the applicant sees) a pending application.
 * The status check is part of the UPDATE, so two admins reviewing at once can't both win.
 */
export async function reviewApplication(actor: UserActor, input: ReviewApplicationInput, options: Announce = {}): Promise<void> {
  assertAdmin(actor);
  const review = parseInput(reviewApplicationSchema, input);
  const note = review.note?.length ? review.note : null;

  // Also the decision email's key: a member may apply again after a rejection and be reviewed again.
  const reviewedAt = new Date();
  await prisma.$transaction(async (tx) => {
    const reviewed = await tx.performerProfile.updateMany({
      where: { userId: review.userId, status: "PENDING" },
      data: {
        status: review.decision === "APPROVE" ? "APPROVED" : "REJECTED",
        reviewedById: actor.id,
        reviewedAt,
        reviewNote: note,
      },
    });
    if (reviewed.count === 0) {
      const application = await tx.performerProfile.findUnique({
        where: { userId: review.userId },
        select: { status: true },
      });
      if (!application) throw new DomainError("NOT_FOUND", "There is no application from this user.");
      throw new DomainError("CONFLICT", `This application was already ${application.status.toLowerCase()}.`);
    }
    if (review.decision === "APPROVE") {
      const promoted = await tx.user.updateMany({
        where: { id: review.userId, role: "MEMBER" },
        data: { role: "PERFORMER" },
      });
      if (promoted.count === 0) {
        throw new DomainError("PRECONDITION_FAILED", "Only member accounts can become performers.");
      }
    }
    await recordAuditWithPrisma(tx, {
      actorId: actor.id,
      action: review.decision === "APPROVE" ? "performer_application.approved" : "performer_application.rejected",
      target: { type: "user", id: review.userId },
      details: note ? { note } : {},
    });
    if (options.announce === false) return;
    const applicant = await tx.user.findUniqueOrThrow({
      where: { id: review.userId },
      select: { email: true, displayName: true, performerProfile: { select: { stageName: true } } },
    });
    await enqueueWithPrisma(tx, [
      {
        key: `user:${review.userId}:application-reviewed:${reviewedAt.toISOString()}`,
        kind: "email",
        email: applicationDecisionEmail({
          to: applicant.email,
          name: applicant.displayName,
          stageName: applicant.performerProfile?.stageName ?? applicant.displayName,
          decision: review.decision,
          note,
          appUrl: env.APP_URL,
        }),
      },
    ]);
  });
}

export interface ApplicationListItem {
  userId: string;
  stageName: string;
  bio: string;
  status: ApplicationStatus;
  reviewNote: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  user: { username: string; displayName: string; email: string; status: UserStatus };
}

/** Pending applications oldest first (first come, first reviewed), then the most recent decisions. */
export async function listApplications(
  actor: UserActor,
): Promise<{ pending: ApplicationListItem[]; recentlyReviewed: ApplicationListItem[] }> {
  assertAdmin(actor);
  const select = {
    userId: true,
    stageName: true,
    bio: true,
    status: true,
    reviewNote: true,
    reviewedAt: true,
    createdAt: true,
    user: { select: { username: true, displayName: true, email: true, status: true } },
  } as const;
  const [pending, recentlyReviewed] = await Promise.all([
    prisma.performerProfile.findMany({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" }, take: 100, select }),
    prisma.performerProfile.findMany({
      where: { status: { not: "PENDING" } },
      orderBy: { reviewedAt: "desc" },
      take: 20,
      select,
    }),
  ]);
  return { pending, recentlyReviewed };
}
