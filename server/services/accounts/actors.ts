import "server-only";
/** Who acts on accounts, and the checks every account use case shares: admin only, and its inputs' field errors. */
import type { z } from "zod";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { DomainError } from "@/server/domain/errors";
import type { Prisma } from "@/server/generated/prisma/client";
import type { Role } from "@/server/generated/prisma/enums";

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
export type SystemActor = typeof SYSTEM_ACTOR;

export const publicUserSelect = {
  id: true,
  email: true,
  username: true,
  displayName: true,
  role: true,
  status: true,
  createdAt: true,
} as const;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

export type Db = Prisma.TransactionClient;

export function assertAdmin(actor: UserActor | null): asserts actor is UserActor {
  if (!actor) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  if (actor.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only administrators can do that.");
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new DomainError("BAD_REQUEST", "Some fields need attention.", {
      fieldErrors: fieldErrorsFromIssues(result.error.issues),
    });
  }
  return result.data;
}
