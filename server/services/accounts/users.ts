import "server-only";
import { z } from "zod";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { hashPassword } from "@/server/auth/password";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import {
  type PerformerApplicationInput,
  type SignUpInput,
  performerApplicationSchema,
  reviewNoteSchema,
  signUpSchema,
} from "@/server/domain/user-rules";
import { Prisma } from "@/server/generated/prisma/client";
import type { ApplicationStatus, Role, UserStatus } from "@/server/generated/prisma/enums";
import { env } from "@/server/env";
import { windowStartFor } from "@/server/domain/rate-limit";
import { applicationDecisionEmail, signUpAttemptEmail, welcomeEmail } from "./account-emails";
import { undeliveredCount } from "@/server/outbox/admin";
import { type AuditAction, recordAuditWithPrisma } from "../audit/record";
import { enqueueWithPrisma } from "@/server/outbox/messages";
import { issueConfirmation } from "./email-confirmation";

/**
 * Accounts and performer applications: sign-up, applying, admin review, suspension and the user directory.
 * Every function takes the acting user (already checked against the database by the caller's session) and
 * checks its own permissions, so a route that forgets a guard still can't do an admin's work. Refusals are
 * DomainErrors; every admin action writes an audit_log row in the same transaction as its effect.
 */

export interface UserActor {
  id: string;
  role: Role;
}

/** `announce: false` sends no email: for the demo seed and test fixtures, whose addresses read no mail. */
export interface Announce {
  announce?: boolean;
}

/** Trusted code acting without a signed-in user (the seed, operator scripts). Audit rows record no actor. */
export const SYSTEM_ACTOR = "system";
type SystemActor = typeof SYSTEM_ACTOR;

const publicUserSelect = {
  id: true,
  email: true,
  username: true,
  displayName: true,
  role: true,
  status: true,
  createdAt: true,
} as const;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

type Db = Prisma.TransactionClient;

function assertAdmin(actor: UserActor | null): asserts actor is UserActor {
  if (!actor) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  if (actor.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only administrators can do that.");
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new DomainError("BAD_REQUEST", "Some fields need attention.", {
      fieldErrors: fieldErrorsFromIssues(result.error.issues),
    });
  }
  return result.data;
}

type IdentityField = "email" | "username";

const TAKEN_MESSAGES: Record<IdentityField, string> = {
  email: "An account with this email already exists. Sign in instead?",
  username: "This username is taken; choose another.",
};

function identityConflict(fields: IdentityField[]): DomainError {
  const fieldErrors = Object.fromEntries(fields.map((field) => [field, [TAKEN_MESSAGES[field]]]));
  return new DomainError("CONFLICT", fields.map((field) => TAKEN_MESSAGES[field]).join(" "), { fieldErrors });
}

/** Which unique column a P2002 hit. Prisma reports it as meta.target or, through driver adapters, nested deeper. */
function uniqueViolationFields(error: unknown): IdentityField[] | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return null;
  const meta = JSON.stringify(error.meta ?? {});
  const fields = (["email", "username"] as const).filter((field) => meta.includes(field));
  return fields.length > 0 ? fields : ["email", "username"];
}

async function takenIdentityFields(db: Db, email: string, username: string): Promise<IdentityField[]> {
  const existing = await db.user.findMany({
    where: { OR: [{ email }, { username }] },
    select: { email: true, username: true },
  });
  const taken: IdentityField[] = [];
  if (existing.some((user) => user.email === email)) taken.push("email");
  if (existing.some((user) => user.username === username)) taken.push("username");
  return taken;
}

interface InsertOptions {
  audit: { actorId: string | null; action: AuditAction } | null;
  /** Accounts made by an admin or trusted code are confirmed at once; a visitor's wait for their link. */
  emailConfirmedAt: Date | null;
  /** Writes what announces the account (emails), in the account's transaction. */
  announce?: (tx: Db, user: PublicUser) => Promise<void>;
}

async function insertUser(input: SignUpInput, role: Role, options: InsertOptions): Promise<PublicUser> {
  const taken = await takenIdentityFields(prisma, input.email, input.username);
  if (taken.length > 0) throw identityConflict(taken);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: input.email,
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          role,
          emailConfirmedAt: options.emailConfirmedAt,
          performerProfile: input.performerApplication ? { create: input.performerApplication } : undefined,
        },
        select: publicUserSelect,
      });
      if (options.audit) {
        await recordAuditWithPrisma(tx, { ...options.audit, target: { type: "user", id: user.id }, details: { role } });
      }
      await options.announce?.(tx, user);
      return user;
    });
  } catch (error) {
    // Someone took the email or username between the check above and the insert.
    const fields = uniqueViolationFields(error);
    if (fields) throw identityConflict(fields);
    throw error;
  }
}

/**
 * A member account that needs no confirmation: made by an admin (audited) or by trusted code such as the seed
 * and test fixtures (actor null), optionally applying as a performer in the same step. A signed-in non-admin
 * can't create accounts. Visitors sign up through signUpVisitor.
 */
export async function createMember(actor: UserActor | null, input: SignUpInput, options: Announce = {}): Promise<PublicUser> {
  if (actor && actor.role !== "ADMIN") {
    throw new DomainError("CONFLICT", "You're already signed in. Sign out to create another account.");
  }
  const parsed = parseInput(signUpSchema, input);
  return insertUser(parsed, "MEMBER", {
    audit: actor ? { actorId: actor.id, action: "user.created" } : null,
    emailConfirmedAt: new Date(),
    announce: (tx, user) =>
      options.announce === false
        ? Promise.resolve()
        : enqueueWithPrisma(tx, [
            {
              key: `user:${user.id}:welcome`,
              kind: "email",
              email: welcomeEmail({
                to: user.email,
                name: user.displayName,
                username: user.username,
                appliedAsPerformer: parsed.performerApplication !== undefined,
                appUrl: env.APP_URL,
              }),
            },
          ]),
  });
}

/**
 * A visitor signing up. The answer must not tell whether the email already has an account: for a taken
 * email the password is still hashed (so both take about as long) and, instead of an error, the account's
 * owner is emailed that someone tried, at most once an hour. A new account starts unconfirmed and is emailed a
 * confirmation link (server/services/accounts/email-confirmation.ts); until it is followed the account can't sign in,
 * so signing in with the password just chosen can't tell the two cases apart either. Usernames are public, so
 * a taken one is still reported on its field, and is checked first so that report never depends on the email.
 */
export async function signUpVisitor(input: SignUpInput, now: Date = new Date()): Promise<void> {
  const parsed = parseInput(signUpSchema, input);
  const taken = await takenIdentityFields(prisma, parsed.email, parsed.username);
  if (taken.includes("username")) throw identityConflict(["username"]);
  if (!taken.includes("email")) {
    try {
      await insertUser(parsed, "MEMBER", {
        audit: null,
        emailConfirmedAt: null,
        announce: (tx, user) => issueConfirmation(tx, user, now),
      });
      return;
    } catch (error) {
      // Someone signed up with this email between the check and the insert: the same quiet answer.
      if (!isEmailOnlyConflict(error)) throw error;
    }
  }
  await hashPassword(parsed.password);
  await tellOwnerOfSignUpAttempt(parsed.email, now);
}

const HOUR_MS = 60 * 60 * 1000;

function isEmailOnlyConflict(error: unknown): boolean {
  if (!(error instanceof DomainError) || error.code !== "CONFLICT") return false;
  const fieldErrors = error.details?.fieldErrors;
  return typeof fieldErrors === "object" && fieldErrors !== null && "email" in fieldErrors && !("username" in fieldErrors);
}

async function tellOwnerOfSignUpAttempt(email: string, now: Date): Promise<void> {
  const owner = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true, displayName: true, username: true } });
  if (!owner) return;
  await prisma.$transaction((tx) =>
    enqueueWithPrisma(tx, [
      {
        key: `user:${owner.id}:sign-up-attempt:${windowStartFor(now, HOUR_MS).toISOString()}`,
        kind: "email",
        email: signUpAttemptEmail({ to: owner.email, name: owner.displayName, username: owner.username, appUrl: env.APP_URL }),
      },
    ]),
  );
}

/** Admin accounts are only made by other admins or by trusted code such as the seed; there is no sign-up. */
export async function createAdmin(
  actor: UserActor | SystemActor,
  input: Omit<SignUpInput, "performerApplication">,
): Promise<PublicUser> {
  if (actor !== SYSTEM_ACTOR) assertAdmin(actor);
  const parsed = parseInput(signUpSchema, { ...input, performerApplication: undefined });
  return insertUser(parsed, "ADMIN", {
    audit: { actorId: actor === SYSTEM_ACTOR ? null : actor.id, action: "user.created" },
    emailConfirmedAt: new Date(),
  });
}

export interface AccountDetails extends PublicUser {
  performerProfile: {
    stageName: string;
    bio: string;
    status: ApplicationStatus;
    reviewNote: string | null;
    reviewedAt: Date | null;
    createdAt: Date;
  } | null;
}

export async function getAccount(actor: UserActor): Promise<AccountDetails> {
  const account = await prisma.user.findUnique({
    where: { id: actor.id },
    select: {
      ...publicUserSelect,
      performerProfile: {
        select: { stageName: true, bio: true, status: true, reviewNote: true, reviewedAt: true, createdAt: true },
      },
    },
  });
  if (!account) throw new DomainError("NOT_FOUND", "Your account no longer exists.");
  return account;
}

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

/** A performer edits their public stage name and bio. Only their own: the id comes from the session. */
export async function updatePerformerProfile(actor: UserActor, input: PerformerApplicationInput): Promise<void> {
  if (actor.role !== "PERFORMER") throw new DomainError("FORBIDDEN", "Only performers have a performer profile.");
  const profile = parseInput(performerApplicationSchema, input);
  const updated = await prisma.performerProfile.updateMany({
    where: { userId: actor.id, status: "APPROVED" },
    data: profile,
  });
  if (updated.count === 0) throw new DomainError("NOT_FOUND", "You have no approved performer profile.");
}

export interface PublicPerformer {
  username: string;
  stageName: string;
  bio: string;
  createdAt: Date;
}

/** Visible performers: approved, still performers and not suspended. */
const visiblePerformer = {
  status: "APPROVED",
  user: { role: "PERFORMER", status: "ACTIVE" },
} as const satisfies Prisma.PerformerProfileWhereInput;

export async function listApprovedPerformers(limit = 24): Promise<PublicPerformer[]> {
  const profiles = await prisma.performerProfile.findMany({
    where: visiblePerformer,
    orderBy: [{ reviewedAt: "desc" }, { userId: "asc" }],
    take: Math.min(Math.max(limit, 1), 100),
    select: { stageName: true, bio: true, createdAt: true, user: { select: { username: true } } },
  });
  return profiles.map(({ user, ...profile }) => ({ ...profile, username: user.username }));
}

export async function getPublicPerformer(username: string): Promise<PublicPerformer> {
  const profile = await prisma.performerProfile.findFirst({
    where: { ...visiblePerformer, user: { ...visiblePerformer.user, username: username.toLowerCase() } },
    select: { stageName: true, bio: true, createdAt: true, user: { select: { username: true } } },
  });
  if (!profile) throw new DomainError("NOT_FOUND", "No performer goes by that name.");
  return { stageName: profile.stageName, bio: profile.bio, createdAt: profile.createdAt, username: profile.user.username };
}
