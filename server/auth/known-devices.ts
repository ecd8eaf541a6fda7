import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { secureCookies } from "@/server/auth/cookies";
import { prisma } from "@/server/db/client";

/**
 * A known device is a browser that has signed in to an account before. It carries a random 256-bit token in
 * a long-lived httpOnly cookie; the database keeps only its SHA-256, per account. The token is unguessable and
 * looked up by hash, so it needs no signature; it proves nothing on its own (the password is always checked),
 * it only lets the owner's browser skip the wait that failures from elsewhere impose.
 */
export const DEVICE_COOKIE_NAME = `${secureCookies ? "__Secure-" : ""}tipmeter.device`;
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

export function newDeviceToken(): string {
  return randomBytes(32).toString("base64url");
}

function hashDeviceToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The id of this account's record of the device, or null for a browser it hasn't seen sign in. */
export async function findKnownDevice(userId: string, token: string | undefined): Promise<string | null> {
  if (!token) return null;
  const device = await prisma.knownDevice.findUnique({
    where: { userId_tokenHash: { userId, tokenHash: hashDeviceToken(token) } },
    select: { id: true },
  });
  return device?.id ?? null;
}

export async function rememberDevice(userId: string, token: string, now: Date): Promise<void> {
  const tokenHash = hashDeviceToken(token);
  await prisma.knownDevice.upsert({
    where: { userId_tokenHash: { userId, tokenHash } },
    create: { userId, tokenHash, createdAt: now, lastSeenAt: now },
    update: { lastSeenAt: now },
  });
}

export const deviceCookieOptions = {
  httpOnly: true,
  sameSite: "lax",
  secure: secureCookies,
  path: "/",
  maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
} as const;
