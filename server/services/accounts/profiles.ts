import "server-only";
/** Profiles: the user's own account, a performer's edit of their public profile, and the public performer pages. */
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { type PerformerApplicationInput, performerApplicationSchema } from "@/server/domain/user-rules";
import type { Prisma } from "@/server/generated/prisma/client";
import type { ApplicationStatus } from "@/server/generated/prisma/enums";
import { type PublicUser, type UserActor, parseInput, publicUserSelect } from "./actors";

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
