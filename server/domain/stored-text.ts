/**
 * Text PostgreSQL cannot store: a NUL character, or half of a UTF-16 surrogate pair (not Unicode at all, so it
 * has no UTF-8 form). Either reached the database as an error, and the user as a 500; both are refused at the
 * edge instead, naming the field.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NUL_MESSAGE = "Remove the invisible NUL character from this text.";
export const BROKEN_CHARACTER_MESSAGE = "This text holds a broken character (half of an emoji or symbol); type it again.";

/** Why this text can't be stored, or null when it can. */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes("\u0000")) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return BROKEN_CHARACTER_MESSAGE;
  return null;
}

export interface UnstorableText {
  path: (string | number)[];
  message: string;
}

/** Deeper than any input the app takes; a request nested further is not walked (zod refuses its shape anyway). */
const MAX_DEPTH = 32;

/** The first string in a request's input (objects and arrays, at any depth) that can't be stored, if any. */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): UnstorableText | null {
  if (typeof value === "string") {
    const message = unstorableTextProblem(value);
    return message ? { path, message } : null;
  }
  if (path.length >= MAX_DEPTH || typeof value !== "object" || value === null) return null;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const found = findUnstorableText(item, [...path, key]);
    if (found) return found;
  }
  return null;
}
