import { z } from "zod";

/**
 * Rules for the fields people type when they sign up, apply as a performer or edit a profile. Pure and shared by
 * the browser forms (instant feedback) and the server (the authority), so both say the same thing.
 */

export const PASSWORD_MIN_LENGTH = 10;
/** Argon2 hashes any length, but an unbounded input lets one request burn CPU; 128 covers every passphrase. */
export const PASSWORD_MAX_LENGTH = 128;

/** Passwords seen first in every breach list; rejecting them stops the cheapest guesses. */
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "1q2w3e4r5t",
  "qwertyuiop",
  "1qaz2wsx3edc",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "iloveyou12",
  "letmein123",
  "welcome123",
  "administrator",
  "qwerty12345",
  "abcdefghij",
  "aaaaaaaaaa",
  "tipmeter123",
]);

export type PasswordProblem = "too_short" | "too_long" | "common" | "contains_identity";

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: "This password is too common; choose something less guessable.",
  contains_identity: "Don't include your username or email in your password.",
};

export interface PasswordIdentity {
  email?: string;
  username?: string;
}

/**
 * Length and guessability, not character classes: long passphrases beat forced symbols (NIST SP 800-63B).
 * Length is counted in code points so an emoji passphrase is measured as a person sees it.
 */
export function passwordProblems(password: string, identity: PasswordIdentity = {}): PasswordProblem[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return ["too_short"];
  if (length > PASSWORD_MAX_LENGTH) return ["too_long"];

  const problems: PasswordProblem[] = [];
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/u.test(password)) problems.push("common");

  const identityParts = [identity.username, identity.email?.split("@")[0]]
    .map((part) => part?.trim().toLowerCase() ?? "")
    .filter((part) => part.length >= 3);
  if (identityParts.some((part) => lowered.includes(part))) problems.push("contains_identity");
  return problems;
}

/** Paths and names that would be confusing or impersonating as a public /p/<username>. */
const RESERVED_USERNAMES = new Set([
  "admin",
  "administrator",
  "api",
  "account",
  "help",
  "me",
  "moderator",
  "null",
  "performer",
  "root",
  "staff",
  "support",
  "system",
  "tipmeter",
  "undefined",
  "wallet",
]);

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "Email addresses are at most 254 characters.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Usernames are 3 to 24 characters.")
  .max(24, "Usernames are 3 to 24 characters.")
  .regex(/^[a-z][a-z0-9_-]*$/, "Start with a letter; then use letters, digits, - or _.")
  .refine((name) => !RESERVED_USERNAMES.has(name), "This username is reserved; choose another.");

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "Enter the name others will see.")
  .max(50, "Display names are at most 50 characters.");

export const passwordSchema = z.string().superRefine((password, ctx) => {
  for (const problem of passwordProblems(password)) {
    ctx.addIssue({ code: "custom", message: PASSWORD_PROBLEM_MESSAGES[problem] });
  }
});

export const stageNameSchema = z
  .string()
  .trim()
  .min(2, "Stage names are 2 to 40 characters.")
  .max(40, "Stage names are 2 to 40 characters.");

export const BIO_MAX_LENGTH = 1000;

export const bioSchema = z
  .string()
  .trim()
  .max(BIO_MAX_LENGTH, `Keep your bio under ${BIO_MAX_LENGTH} characters.`);

export const performerApplicationSchema = z.object({
  stageName: stageNameSchema,
  bio: bioSchema,
});
export type PerformerApplicationInput = z.infer<typeof performerApplicationSchema>;

export const signUpSchema = z
  .object({
    email: emailSchema,
    username: usernameSchema,
    displayName: displayNameSchema,
    password: passwordSchema,
    performerApplication: performerApplicationSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (passwordProblems(input.password, input).includes("contains_identity")) {
      ctx.addIssue({
        code: "custom",
        path: ["password"],
        message: PASSWORD_PROBLEM_MESSAGES.contains_identity,
      });
    }
  });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(PASSWORD_MAX_LENGTH),
});

export const reviewNoteSchema = z.string().trim().max(500, "Keep the note under 500 characters.");
