import "server-only";
import { z } from "zod";
import { storableBigint } from "@/server/domain/storable";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import {
  PAYOUT_FIELD_FORMATS,
  PAYOUT_METHODS,
  type PayoutFieldDefinition,
  type PayoutFieldFormat,
  type PayoutMethodTerms,
  type PayoutRateTerms,
  isPayoutFieldFormat,
  payoutRateSchema,
} from "@/server/domain/payouts";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { type AuditAction, type AuditEntry, recordAudit } from "../audit/record";
import { type SettingValue, getSetting } from "../settings/settings";

/**
 * What admins set for payouts: the fields a payout profile must have, what credits are worth per payout
 * currency, each method's fee and limits (a method with no terms is not offered), and the policy (the
 * payout-method lock and the optional auto-approval). Every change is audited in the same transaction.
 */

export interface PayoutField extends PayoutFieldDefinition {
  id: string;
  sortOrder: number;
  active: boolean;
}

export interface PayoutRate extends PayoutRateTerms {
  currency: string;
  updatedAt: Date;
}

export interface MethodTerms extends PayoutMethodTerms {
  method: PayoutMethod;
  updatedAt: Date;
}

export type PayoutPolicy = SettingValue<"payouts">;

export interface PayoutConfiguration {
  fields: PayoutField[];
  rates: PayoutRate[];
  methods: MethodTerms[];
  policy: PayoutPolicy;
}

interface FieldRow {
  id: string;
  key: string;
  label: string;
  format: string;
  required: boolean;
  sensitive: boolean;
  methods: PayoutMethod[] | string;
  sort_order: number;
  active: boolean;
}

/** pg returns an array of a custom enum as its text form ("{PAYPAL,BANK_TRANSFER}"). */
function parseMethods(value: PayoutMethod[] | string): PayoutMethod[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner ? (inner.split(",") as PayoutMethod[]) : [];
}

function toField(row: FieldRow): PayoutField {
  const format: PayoutFieldFormat = isPayoutFieldFormat(row.format) ? row.format : "text";
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    format,
    required: row.required,
    sensitive: row.sensitive,
    methods: parseMethods(row.methods),
    sortOrder: row.sort_order,
    active: row.active,
  };
}

export async function loadPayoutFields(db: Queryable, options: { includeInactive?: boolean } = {}): Promise<PayoutField[]> {
  const { rows } = await db.query<FieldRow>(
    `SELECT id, key, label, format, required, sensitive, methods, sort_order, active
       FROM payout_fields WHERE active OR $1 ORDER BY sort_order, label`,
    [options.includeInactive ?? false],
  );
  return rows.map(toField);
}

async function loadPayoutRates(db: Queryable): Promise<PayoutRate[]> {
  const { rows } = await db.query<{ currency: string; credits: string; amount_minor: string; updated_at: Date }>(
    "SELECT currency, credits, amount_minor, updated_at FROM payout_rates ORDER BY currency",
  );
  return rows.map((row) => ({ currency: row.currency, credits: BigInt(row.credits), amountMinor: BigInt(row.amount_minor), updatedAt: row.updated_at }));
}

async function loadMethodTerms(db: Queryable): Promise<MethodTerms[]> {
  const { rows } = await db.query<{
    method: PayoutMethod;
    fixed_minor: string;
    percent_bps: number;
    min_credits: string;
    max_credits: string;
    updated_at: Date;
  }>("SELECT method, fixed_minor, percent_bps, min_credits, max_credits, updated_at FROM payout_method_fees");
  return rows
    .map((row) => ({
      method: row.method,
      fixedMinor: BigInt(row.fixed_minor),
      percentBps: row.percent_bps,
      minCredits: BigInt(row.min_credits),
      maxCredits: BigInt(row.max_credits),
      updatedAt: row.updated_at,
    }))
    .sort((a, b) => PAYOUT_METHODS.indexOf(a.method) - PAYOUT_METHODS.indexOf(b.method));
}

export async function getPayoutConfiguration(db: Queryable = pool, options: { includeInactiveFields?: boolean } = {}): Promise<PayoutConfiguration> {
  return {
    fields: await loadPayoutFields(db, { includeInactive: options.includeInactiveFields }),
    rates: await loadPayoutRates(db),
    methods: await loadMethodTerms(db),
    policy: await getSetting(db, "payouts"),
  };
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new DomainError("BAD_REQUEST", result.error.issues[0]?.message ?? "Some fields need attention.", {
      fieldErrors: fieldErrorsFromIssues(result.error.issues),
    });
  }
  return result.data;
}

async function audit(db: Queryable, adminId: string, action: AuditAction, target: AuditEntry["target"], details: Record<string, unknown>): Promise<void> {
  await recordAudit(db, { actorId: adminId, action, target, details });
}

/** Keys the profile form uses for itself; a field may not take them. */
const RESERVED_KEYS = new Set(["method", "currency", "form"]);

export const payoutFieldSchema = z.object({
  /** Absent: a new field. */
  id: z.uuid().optional(),
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, "A key is 2 to 40 lowercase letters, digits or underscores, starting with a letter.")
    .refine((key) => !RESERVED_KEYS.has(key), "That key is reserved; choose another."),
  label: z.string().trim().min(2, "A label is at least 2 characters.").max(60, "A label is at most 60 characters."),
  format: z.enum(PAYOUT_FIELD_FORMATS),
  required: z.boolean(),
  sensitive: z.boolean(),
  /** Empty: the field applies to every method. */
  methods: z.array(z.enum(PAYOUT_METHODS)).max(PAYOUT_METHODS.length),
  sortOrder: z.number().int().min(0).max(1_000),
  active: z.boolean(),
});
export type PayoutFieldInput = z.input<typeof payoutFieldSchema>;

/**
 * Adds or edits a field. Fields are switched off rather than deleted, and a key never changes, so the values
 * profiles hold (stored by key) keep their meaning.
 */
export async function savePayoutField(adminId: string, input: PayoutFieldInput): Promise<PayoutField> {
  const { id, ...field } = parseInput(payoutFieldSchema, input);
  const methods = [...new Set(field.methods)];
  return withTransaction(pool, async (db) => {
    if (id) {
      const existing = await db.query<{ key: string }>("SELECT key FROM payout_fields WHERE id = $1", [id]);
      const key = existing.rows[0]?.key;
      if (key === undefined) throw new DomainError("NOT_FOUND", "That field no longer exists.");
      if (key !== field.key) {
        const message = "A field's key can't change, since profiles store values by it; add a new field instead.";
        throw new DomainError("BAD_REQUEST", message, { fieldErrors: { key: [message] } });
      }
    } else {
      const taken = await db.query("SELECT 1 FROM payout_fields WHERE key = $1", [field.key]);
      if (taken.rowCount) throw new DomainError("CONFLICT", "Another field already uses this key.", { fieldErrors: { key: ["Another field already uses this key."] } });
    }
    const params = [field.key, field.label, field.format, field.required, field.sensitive, methods, field.sortOrder, field.active];
    const { rows } = id
      ? await db.query<FieldRow>(
          `UPDATE payout_fields SET label = $2, format = $3, required = $4, sensitive = $5, methods = $6::"PayoutMethod"[],
                  sort_order = $7, active = $8
            WHERE id = $9 AND key = $1 RETURNING id, key, label, format, required, sensitive, methods, sort_order, active`,
          [...params, id],
        )
      : await db.query<FieldRow>(
          `INSERT INTO payout_fields (id, key, label, format, required, sensitive, methods, sort_order, active)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::"PayoutMethod"[], $7, $8)
           RETURNING id, key, label, format, required, sensitive, methods, sort_order, active`,
          params,
        );
    const row = rows[0];
    if (!row) throw new DomainError("NOT_FOUND", "That field no longer exists.");
    await audit(db, adminId, id ? "payout_field.updated" : "payout_field.created", { type: "payout_field", id: row.id }, { ...field, methods });
    return toField(row);
  });
}

export { payoutRateSchema };
export type PayoutRateInput = z.input<typeof payoutRateSchema>;

/** What `credits` credits are worth in a payout currency. Requests already made keep the amounts they were quoted. */
export async function setPayoutRate(adminId: string, input: PayoutRateInput): Promise<PayoutRate> {
  const rate = parseInput(payoutRateSchema, input);
  return withTransaction(pool, async (db) => {
    const before = await db.query("SELECT credits, amount_minor FROM payout_rates WHERE currency = $1", [rate.currency]);
    const { rows } = await db.query<{ updated_at: Date }>(
      `INSERT INTO payout_rates (currency, credits, amount_minor, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (currency) DO UPDATE SET credits = excluded.credits, amount_minor = excluded.amount_minor, updated_at = now()
       RETURNING updated_at`,
      [rate.currency, rate.credits.toString(), rate.amountMinor.toString()],
    );
    await audit(db, adminId, "payout_rate.set", { type: "payout_rate", id: rate.currency }, { before: before.rows[0] ?? null, after: rate });
    return { ...rate, updatedAt: rows[0]?.updated_at ?? new Date() };
  });
}

export const removePayoutRateSchema = z.object({ currency: z.string().trim().length(3) });

/** Stops offering a currency; profiles in it can't request until they pick another. */
export async function removePayoutRate(adminId: string, input: z.input<typeof removePayoutRateSchema>): Promise<void> {
  const { currency } = parseInput(removePayoutRateSchema, input);
  await withTransaction(pool, async (db) => {
    const removed = await db.query("DELETE FROM payout_rates WHERE currency = $1 RETURNING credits, amount_minor", [currency.toUpperCase()]);
    if (!removed.rowCount) throw new DomainError("NOT_FOUND", "There is no rate for that currency.");
    await audit(db, adminId, "payout_rate.removed", { type: "payout_rate", id: currency.toUpperCase() }, { before: removed.rows[0] });
  });
}

export const methodTermsSchema = z
  .object({
    method: z.enum(PAYOUT_METHODS),
    fixedMinor: z.bigint().min(0n, "A fee can't be negative.").max(100_000_000n),
    percentBps: z.number().int().min(0).max(5_000, "A fee is at most 50%."),
    minCredits: storableBigint(z.bigint().min(1n, "The minimum is at least 1 credit.")),
    maxCredits: z.bigint().max(1_000_000_000_000n),
  })
  .refine((terms) => terms.maxCredits >= terms.minCredits, { message: "The maximum must be at least the minimum.", path: ["maxCredits"] });
export type MethodTermsInput = z.input<typeof methodTermsSchema>;

/** Offers a method (or changes its terms): fixed fee in minor units of the payout currency, percent, limits. */
export async function setMethodTerms(adminId: string, input: MethodTermsInput): Promise<void> {
  const terms = parseInput(methodTermsSchema, input);
  await withTransaction(pool, async (db) => {
    await db.query(
      `INSERT INTO payout_method_fees (method, fixed_minor, percent_bps, min_credits, max_credits, updated_at)
       VALUES ($1::"PayoutMethod", $2, $3, $4, $5, now())
       ON CONFLICT (method) DO UPDATE SET fixed_minor = excluded.fixed_minor, percent_bps = excluded.percent_bps,
         min_credits = excluded.min_credits, max_credits = excluded.max_credits, updated_at = now()`,
      [terms.method, terms.fixedMinor.toString(), terms.percentBps, terms.minCredits.toString(), terms.maxCredits.toString()],
    );
    await audit(db, adminId, "payout_method.set", { type: "payout_method", id: terms.method }, { ...terms });
  });
}

export const withdrawMethodSchema = z.object({ method: z.enum(PAYOUT_METHODS) });

/** Stops offering a method. Requests already made are unaffected; profiles using it must switch to request again. */
export async function withdrawMethod(adminId: string, input: z.input<typeof withdrawMethodSchema>): Promise<void> {
  const { method } = parseInput(withdrawMethodSchema, input);
  await withTransaction(pool, async (db) => {
    const removed = await db.query(`DELETE FROM payout_method_fees WHERE method = $1::"PayoutMethod"`, [method]);
    if (!removed.rowCount) throw new DomainError("NOT_FOUND", "That method is not offered.");
    await audit(db, adminId, "payout_method.removed", { type: "payout_method", id: method }, {});
  });
}
