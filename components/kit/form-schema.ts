import { z } from "zod";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";

/**
 * The pieces that turn a server's zod input schema into a form's: form controls hold text, the server takes
 * bigints and numbers. A form schema reads each text field with `textAs` and pipes the value into the server's own
 * field schema, so the browser applies the very rules (and messages) the tRPC input applies.
 */

/** Text read as a value by `parse`; null from `parse` is reported as `message` on that field. */
export function textAs<T>(parse: (text: string) => T | null, message: string) {
  return z.string().transform((text, ctx) => {
    const value = parse(text);
    if (value === null) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return value;
  });
}

/** A whole number of at most `maxDigits` digits (thousands separators allowed), as a bigint. */
export function wholeBigint(text: string, maxDigits = 15): bigint | null {
  const cleaned = text.trim().replace(/,/g, "");
  return new RegExp(`^\\d{1,${maxDigits}}$`).test(cleaned) ? BigInt(cleaned) : null;
}

/** A whole number of at most `maxDigits` digits, as a number. */
export function wholeNumber(text: string, maxDigits = 9): number | null {
  const cleaned = text.trim();
  return new RegExp(`^\\d{1,${maxDigits}}$`).test(cleaned) ? Number(cleaned) : null;
}

export type FormErrors<Name extends string> = Partial<Record<Name, string>>;

/**
 * One message per form field (the first), from field errors keyed the way the server reports them (the last string
 * segment of each issue's path). `aliases` maps an input name to the form field that stands for it (priceMinor is
 * typed in the "price" field). Messages for names the form has no field for are returned as `unplaced`.
 */
export function placeFieldErrors<Name extends string>(
  fieldErrors: Record<string, string[]>,
  fields: readonly Name[],
  aliases: Readonly<Record<string, Name>> = {},
): { errors: FormErrors<Name>; unplaced: string[] } {
  const errors: FormErrors<Name> = {};
  const unplaced: string[] = [];
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const field = aliases[key] ?? fields.find((name) => name === key);
    const [message] = messages;
    if (!message) continue;
    if (field) errors[field] ??= message;
    else unplaced.push(message);
  }
  return { errors, unplaced };
}

/** The same placement for a schema's own issues (the browser's check before sending). */
export function placeIssues<Name extends string>(error: z.ZodError, fields: readonly Name[], aliases: Readonly<Record<string, Name>> = {}) {
  return placeFieldErrors(fieldErrorsFromIssues(error.issues), fields, aliases);
}
