import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { RateLimitRule } from "@/server/domain/rate-limit";
import { consumeRateLimit } from "@/server/auth/rate-limiter";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { emailSchema } from "@/server/domain/user-rules";
import type { Prisma } from "@/server/generated/prisma/client";
import { env } from "@/server/env";
import { enqueueWithPrisma } from "@/server/outbox/messages";
import { confirmEmailEmail, welcomeEmail } from "./account-emails";

/**
 * Confirming a new account's email before its first sign-in. Until then the right password is answered like a
 * wrong one (server/auth/sign-in.ts), so signing in with the password just chosen can't tell an email that was
 * free from one that already had an account. The link carries a random 256-bit token; only its SHA-256 is
 * stored, it expires, and it is consumed by one guarded UPDATE, so it confirms once however often it is used.
 */
export const CONFIRMATION_VALID_MS = 24 * 60 * 60 * 1000;

/** Resends per address and per client: enough for a lost email or two, too few to flood an inbox. */
export const RESEND_LIMITS = {
  perEmail: { limit: 3, windowMs: 60 * 60 * 1000 },
  perIp: { limit: 10, windowMs: 60 * 60 * 1000 },
} as const satisfies Record<string, RateLimitRule>;

type Db = Prisma.TransactionClient;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Writes a fresh link for `user` and its email, in the caller's transaction. */
export async function issueConfirmation(
  tx: Db,
  user: { id: string; email: string; displayName: string; username: string },
  now: Date,
): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const confirmation = await tx.emailConfirmation.create({
    data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + CONFIRMATION_VALID_MS), createdAt: now },
    select: { id: true },
  });
  await enqueueWithPrisma(tx, [
    {
      key: `user:${user.id}:confirm-email:${confirmation.id}`,
      kind: "email",
      email: confirmEmailEmail({
        to: user.email,
        name: user.displayName,
        username: user.username,
        token,
        validHours: CONFIRMATION_VALID_MS / (60 * 60 * 1000),
        appUrl: env.APP_URL,
      }),
    },
  ]);
}

export type ConfirmationOutcome = "confirmed" | "expired" | "used" | "unknown";

export const confirmEmailSchema = z.object({ token: z.string().min(1).max(200) });

/**
 * Follows a link. The token is marked used by the same UPDATE that checks it is unused and unexpired, so two
 * clicks at once confirm once; the account is confirmed (and welcomed) only if it wasn't already, so two
 * different links of one account followed at once confirm it once too.
 */
export async function confirmEmail(token: string, now: Date = new Date()): Promise<ConfirmationOutcome> {
  const tokenHash = hashToken(token);
  return prisma.$transaction(async (tx) => {
    const consumed = await tx.$queryRaw<Array<{ userId: string }>>`
      UPDATE email_confirmations SET used_at = ${now}
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}
      RETURNING user_id AS "userId"`;
    const userId = consumed[0]?.userId;
    if (!userId) {
      const link = await tx.emailConfirmation.findUnique({ where: { tokenHash }, select: { usedAt: true } });
      if (!link) return "unknown";
      return link.usedAt ? "used" : "expired";
    }
    const confirmed = await tx.user.updateMany({ where: { id: userId, emailConfirmedAt: null }, data: { emailConfirmedAt: now } });
    if (confirmed.count === 1) {
      const user = await tx.user.findUniqueOrThrow({
        where: { id: userId },
        select: { email: true, displayName: true, username: true, performerProfile: { select: { userId: true } } },
      });
      await enqueueWithPrisma(tx, [
        {
          key: `user:${userId}:welcome`,
          kind: "email",
          email: welcomeEmail({
            to: user.email,
            name: user.displayName,
            username: user.username,
            appliedAsPerformer: user.performerProfile !== null,
            appUrl: env.APP_URL,
          }),
        },
      ]);
    }
    return "confirmed";
  });
}

export const resendConfirmationSchema = z.object({ email: emailSchema });

/**
 * Sends a new link to an account still waiting for confirmation. Answers the same for a confirmed account, an
 * unconfirmed one and an unknown email (nothing is sent to the first and the last); the per-email limit counts
 * every address alike, so being limited tells nothing either.
 */
export async function resendConfirmation(rawEmail: string, ip: string, now: Date = new Date()): Promise<void> {
  const parsed = resendConfirmationSchema.safeParse({ email: rawEmail });
  if (!parsed.success) throw new DomainError("BAD_REQUEST", "Enter a valid email address.", { fieldErrors: { email: ["Enter a valid email address."] } });
  const { email } = parsed.data;
  for (const [key, rule] of [
    [`confirm-resend:ip:${ip}`, RESEND_LIMITS.perIp],
    [`confirm-resend:email:${email}`, RESEND_LIMITS.perEmail],
  ] as const) {
    const hit = await consumeRateLimit(key, rule, now);
    if (!hit.allowed) {
      throw new DomainError("RATE_LIMITED", `Too many links were asked for. Try again in ${Math.ceil(hit.retryAfterSeconds / 60)} minutes.`);
    }
  }
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { email, emailConfirmedAt: null },
      select: { id: true, email: true, displayName: true, username: true },
    });
    if (user) await issueConfirmation(tx, user, now);
  });
}
