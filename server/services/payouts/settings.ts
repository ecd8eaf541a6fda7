import "server-only";
import { z } from "zod";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import { pool, prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import {
  PAYOUT_METHODS,
  type PayoutFieldDefinition,
  type PayoutMethodTerms,
  type PayoutRateTerms,
  isPayoutFieldFormat,
  payoutRateSchema,
} from "@/server/domain/payouts";
import { type MethodTermsInput, type PayoutFieldInput, methodTermsSchema, payoutFieldSchema } from "@/server/domain/payout-settings";
import type { Prisma, PayoutField as PayoutFieldModel } from "@/server/generated/prisma/client";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { type AuditAction, type AuditEntry, recordAuditWithPrisma } from "../audit/record";
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

function toField(row: PayoutFieldModel): PayoutField {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    format: isPayoutFieldFormat(row.format) ? row.format : "text",
    required: row.required,
    sensitive: row.sensitive,
    methods: row.methods,
    sortOrder: row.sortOrder,
    active: row.active,
  };
}

export async function loadPayoutFields(options: { includeInactive?: boolean } = {}): Promise<PayoutField[]> {
  const rows = await prisma.payoutField.findMany({
    where: options.includeInactive ? {} : { active: true },
    orderBy: [{ sortOrder: "asc" }, { label: "asc" }],
  });
  return rows.map(toField);
}

async function loadPayoutRates(): Promise<PayoutRate[]> {
  return prisma.payoutRate.findMany({ orderBy: { currency: "asc" } });
}

async function loadMethodTerms(): Promise<MethodTerms[]> {
  const rows = await prisma.payoutMethodFee.findMany();
  return rows.sort((a, b) => PAYOUT_METHODS.indexOf(a.method) - PAYOUT_METHODS.indexOf(b.method));
}

/**
 * Read outside any pg transaction (Prisma takes its own connection): a use case that also locks rows reads this
 * first, then opens its transaction.
 */
export async function getPayoutConfiguration(options: { includeInactiveFields?: boolean } = {}): Promise<PayoutConfiguration> {
  return {
    fields: await loadPayoutFields({ includeInactive: options.includeInactiveFields }),
    rates: await loadPayoutRates(),
    methods: await loadMethodTerms(),
    policy: await getSetting(pool, "payouts"),
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

function audit(tx: Prisma.TransactionClient, adminId: string, action: AuditAction, target: AuditEntry["target"], details: Record<string, unknown>): Promise<bigint> {
  return recordAuditWithPrisma(tx, { actorId: adminId, action, target, details });
}

/** A rate as the audit log has always recorded it (the database's column names, exact decimal strings). */
function auditedRate(rate: { credits: bigint; amountMinor: bigint } | null) {
  return rate && { credits: rate.credits.toString(), amount_minor: rate.amountMinor.toString() };
}


/**
 * Adds or edits a field. Fields are switched off rather than deleted, and a key never changes, so the values
 * profiles hold (stored by key) keep their meaning.
 */
export async function savePayoutField(adminId: string, input: PayoutFieldInput): Promise<PayoutField> {
  const { id, ...field } = parseInput(payoutFieldSchema, input);
  const methods = [...new Set(field.methods)];
  return prisma.$transaction(async (tx) => {
    if (id) {
      const existing = await tx.payoutField.findUnique({ where: { id }, select: { key: true } });
      if (!existing) throw new DomainError("NOT_FOUND", "That field no longer exists.");
      if (existing.key !== field.key) {
        const message = "A field's key can't change, since profiles store values by it; add a new field instead.";
        throw new DomainError("BAD_REQUEST", message, { fieldErrors: { key: [message] } });
      }
    } else if (await tx.payoutField.findUnique({ where: { key: field.key }, select: { id: true } })) {
      throw new DomainError("CONFLICT", "Another field already uses this key.", { fieldErrors: { key: ["Another field already uses this key."] } });
    }
    const values = { label: field.label, format: field.format, required: field.required, sensitive: field.sensitive, methods, sortOrder: field.sortOrder, active: field.active };
    const row = id ? await tx.payoutField.update({ where: { id }, data: values }) : await tx.payoutField.create({ data: { key: field.key, ...values } });
    await audit(tx, adminId, id ? "payout_field.updated" : "payout_field.created", { type: "payout_field", id: row.id }, { ...field, methods });
    return toField(row);
  });
}

export { payoutRateSchema };
export type PayoutRateInput = z.input<typeof payoutRateSchema>;

/** What `credits` credits are worth in a payout currency. Requests already made keep the amounts they were quoted. */
export async function setPayoutRate(adminId: string, input: PayoutRateInput): Promise<PayoutRate> {
  const rate = parseInput(payoutRateSchema, input);
  return prisma.$transaction(async (tx) => {
    const before = await tx.payoutRate.findUnique({ where: { currency: rate.currency } });
    const values = { credits: rate.credits, amountMinor: rate.amountMinor };
    const saved = await tx.payoutRate.upsert({ where: { currency: rate.currency }, create: { currency: rate.currency, ...values }, update: values });
    await audit(tx, adminId, "payout_rate.set", { type: "payout_rate", id: rate.currency }, { before: auditedRate(before), after: rate });
    return { ...rate, updatedAt: saved.updatedAt };
  });
}

export const removePayoutRateSchema = z.object({ currency: z.string().trim().length(3) });

/** Stops offering a currency; profiles in it can't request until they pick another. */
export async function removePayoutRate(adminId: string, input: z.input<typeof removePayoutRateSchema>): Promise<void> {
  const { currency } = parseInput(removePayoutRateSchema, input);
  const code = currency.toUpperCase();
  await prisma.$transaction(async (tx) => {
    const before = await tx.payoutRate.findUnique({ where: { currency: code } });
    const removed = await tx.payoutRate.deleteMany({ where: { currency: code } });
    if (!before || removed.count === 0) throw new DomainError("NOT_FOUND", "There is no rate for that currency.");
    await audit(tx, adminId, "payout_rate.removed", { type: "payout_rate", id: code }, { before: auditedRate(before) });
  });
}


/** Offers a method (or changes its terms): fixed fee in minor units of the payout currency, percent, limits. */
export async function setMethodTerms(adminId: string, input: MethodTermsInput): Promise<void> {
  const terms = parseInput(methodTermsSchema, input);
  const { method, ...values } = terms;
  await prisma.$transaction(async (tx) => {
    await tx.payoutMethodFee.upsert({ where: { method }, create: { method, ...values }, update: values });
    await audit(tx, adminId, "payout_method.set", { type: "payout_method", id: method }, { ...terms });
  });
}

export const withdrawMethodSchema = z.object({ method: z.enum(PAYOUT_METHODS) });

/** Stops offering a method. Requests already made are unaffected; profiles using it must switch to request again. */
export async function withdrawMethod(adminId: string, input: z.input<typeof withdrawMethodSchema>): Promise<void> {
  const { method } = parseInput(withdrawMethodSchema, input);
  await prisma.$transaction(async (tx) => {
    const removed = await tx.payoutMethodFee.deleteMany({ where: { method } });
    if (removed.count === 0) throw new DomainError("NOT_FOUND", "That method is not offered.");
    await audit(tx, adminId, "payout_method.removed", { type: "payout_method", id: method }, {});
  });
}
