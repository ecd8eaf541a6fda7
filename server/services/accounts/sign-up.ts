import "server-only";
/** New accounts: a visitor's sign-up, and members and admins made by an admin or by trusted code. */
import { hashPassword } from "@/server/auth/password";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { windowStartFor } from "@/server/domain/rate-limit";
import { type SignUpInput, signUpSchema } from "@/server/domain/user-rules";
import { env } from "@/server/env";
import { Prisma } from "@/server/generated/prisma/client";
import type { Role } from "@/server/generated/prisma/enums";
import { enqueueWithPrisma } from "@/server/outbox/messages";
import { type AuditAction, recordAuditWithPrisma } from "../audit/record";
import { signUpAttemptEmail, welcomeEmail } from "./account-emails";
import { type Announce, type Db, type PublicUser, SYSTEM_ACTOR, type SystemActor, type UserActor, assertAdmin, parseInput, publicUserSelect } from "./actors";
import { issueConfirmation } from "./email-confirmation";

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
