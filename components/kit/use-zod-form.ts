"use client";

import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { type FormErrors, placeFieldErrors, placeIssues } from "@/components/kit/form-schema";

type Values = Record<string, string | boolean>;

interface ZodFormOptions<V extends Values, S extends z.ZodType<unknown, Partial<V>>> {
  /** Reads the form's values into the server's input: built from the same schema as the tRPC input. */
  schema: S;
  initial: V;
  /** Input names the server reports under another form field's name (priceMinor shown on "price"). */
  aliases?: Readonly<Record<string, keyof V & string>>;
}

export interface ZodForm<V extends Values, Output> {
  values: V;
  set: <K extends keyof V>(name: K, value: V[K]) => void;
  /** Some or all values back to a fresh start, after a form that stays open saved. */
  reset: (values: Partial<V>) => void;
  errors: FormErrors<keyof V & string>;
  /** A message not tied to one field: the server's refusal, or a failed connection. */
  formError: string | null;
  pending: boolean;
  /** The form's onSubmit: checks with the schema, then `save`s the parsed input; the server's errors land on the fields they name. */
  onSubmit: (save: (input: Output) => Promise<void>) => (event: FormEvent<HTMLFormElement>) => void;
}

/**
 * Form state and validation from a zod schema: the values as typed, one error per field, a form-level error and a
 * pending flag. Any change clears the errors, as the reader is answering them. The server stays the last word: its
 * zod errors come back (through the tRPC error formatter) under the same field names and are shown the same way.
 */
export function useZodForm<V extends Values, S extends z.ZodType<unknown, Partial<V>>>({ schema, initial, aliases }: ZodFormOptions<V, S>): ZodForm<V, z.output<S>> {
  const fields = Object.keys(initial) as (keyof V & string)[];
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FormErrors<keyof V & string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  function set<K extends keyof V>(name: K, value: V[K]) {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors({});
    setFormError(null);
  }

  function reset(changes: Partial<V>) {
    setValues((current) => ({ ...current, ...changes }));
  }

  function showErrors(placed: { errors: FormErrors<keyof V & string>; unplaced: string[] }, fallback: string) {
    setErrors(placed.errors);
    const onFields = Object.keys(placed.errors).length > 0;
    setFormError(onFields ? (placed.unplaced[0] ?? null) : (placed.unplaced[0] ?? fallback));
  }

  const onSubmit = (save: (input: z.output<S>) => Promise<void>) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      showErrors(placeIssues(parsed.error, fields, aliases), "Some fields need attention.");
      return;
    }
    setPending(true);
    save(parsed.data)
      .catch((error: unknown) => {
        const { message, fieldErrors } = describeTrpcError(error);
        showErrors(placeFieldErrors(fieldErrors, fields, aliases), message);
      })
      .finally(() => setPending(false));
  };

  return { values, set, reset, errors, formError, pending, onSubmit };
}
