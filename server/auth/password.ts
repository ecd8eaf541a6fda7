import "server-only";
import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id (the library's default algorithm) with OWASP's baseline cost: 19 MiB, 2 passes, 1 lane. The PHC
 * string stores the parameters, so raising them later still verifies old hashes.
 */
const HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash when no account has the email, so "no such user" takes as long as "wrong
 * password" and response times don't reveal which emails are registered.
 */
export async function spendVerificationTime(password: string): Promise<void> {
  decoyHash ??= hashPassword("decoy-password-for-unknown-accounts");
  await verifyPassword(await decoyHash, password);
}
