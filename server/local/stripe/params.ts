import { z } from "zod";
import { paramError } from "./errors";
import type { FormObject, FormValue } from "./form";

/**
 * Schemas for form-encoded Stripe parameters. Every value arrives as a string, so numbers and booleans are
 * parsed here; objects are strict because Stripe rejects parameters it does not know, and an app bug that
 * sends a misspelt parameter should fail here as it would against Stripe.
 */

export const integer = () =>
  z
    .string()
    .regex(/^-?\d{1,15}$/, { error: "must be an integer" })
    .transform(Number);

export const positiveInteger = () => integer().pipe(z.number().min(1, { error: "must be at least 1" }));

export const boolean = () =>
  z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true");

export const text = (maxLength = 5000) =>
  z
    .string()
    .min(1, { error: "must not be empty" })
    .max(maxLength, { error: `must be at most ${maxLength} characters` });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });

export const currency = () =>
  z
    .string()
    .regex(/^[a-zA-Z]{3}$/, { error: "must be a three-letter ISO currency code" })
    .transform((value) => value.toLowerCase());

export const url = () =>
  z.string().refine(
    (value) => {
      try {
        return ["http:", "https:"].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: "Not a valid URL" },
  );

export const email = () => z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an email address" });

export const textList = () => z.array(text());

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500; `""` unsets. */
export const metadata = () =>
  z.union([
    z.literal(""),
    z
      .record(
        z.string().max(40, { error: "keys must be at most 40 characters" }),
        z.string().max(500, { error: "values must be at most 500 characters" }),
      )
      .refine((value) => Object.keys(value).length <= 50, { error: "can have at most 50 keys" }),
  ]);

export const listShape = {
  limit: integer().pipe(z.number().min(1, { error: "must be at least 1" }).max(100, { error: "must be at most 100" })).optional(),
  starting_after: text().optional(),
  ending_before: text().optional(),
};

export function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ""}${rest.map((segment) => `[${segment}]`).join("")}`;
}

function valueAt(input: FormValue | undefined, path: readonly PropertyKey[]): FormValue | undefined {
  let node = input;
  for (const segment of path) {
    if (node === undefined || typeof node === "string") return undefined;
    node = Array.isArray(node) ? node[Number(segment)] : node[String(segment)];
  }
  return node;
}

function toParamError(issues: readonly z.core.$ZodIssue[], input: FormObject) {
  const issue = issues.find((candidate) => candidate.code === "unrecognized_keys") ?? issues[0];
  if (!issue) return paramError("Invalid request", "");
  if (issue.code === "unrecognized_keys") {
    const param = paramName([...issue.path, issue.keys[0] ?? ""]);
    return paramError(`Received unknown parameter: ${param}`, param, "parameter_unknown");
  }
  const param = paramName(issue.path);
  const raw = valueAt(input, issue.path);
  if (raw === undefined) return paramError(`Missing required param: ${param}.`, param, "parameter_missing");
  if (raw === "") {
    return paramError(
      `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
        `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
      param,
      "parameter_invalid_empty",
    );
  }
  if (issue.code === "invalid_type") return paramError(`Invalid ${param}: expected ${issue.expected}`, param);
  if (issue.code === "invalid_union") return paramError(`Invalid ${param}: expected a hash of strings or ""`, param);
  return paramError(`Invalid ${param}: ${issue.message}`, param);
}

export function parseParams<S extends z.ZodType>(schema: S, input: FormObject): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw toParamError(result.error.issues, input);
}

/** Applies Stripe's metadata update rule: given keys are set, keys sent as `""` are removed, `metadata=""` clears. */
export function mergeMetadata(current: Record<string, string>, update: "" | Record<string, string> | undefined) {
  if (update === undefined) return current;
  if (update === "") return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === "") delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
