import "server-only";
/** The ledger explorer's filtered entries as a CSV file for admins, one line per entry with its wallet and currency. */
import { z } from "zod";
import { pool } from "@/server/db/client";
import { csvDocument } from "@/server/domain/csv";
import { plainUnits } from "@/server/domain/money";
import { storableDate } from "@/server/domain/storable";
import { TransactionKind } from "@/server/generated/prisma/enums";
import { recordAudit } from "@/server/services/audit/record";
import { type ExplorerTransaction, exploreLedger } from "./ledger-admin";

/** The most transactions one file holds, newest first; narrow the filters for older ones. */
export const LEDGER_EXPORT_LIMIT = 5_000;

/** The explorer's filters as the export link carries them: dates as instants, already read in the admin's time zone. */
export const ledgerExportFiltersSchema = z.object({
  user: z.uuid().optional(),
  kind: z.enum(TransactionKind).optional(),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,8}$/)
    .optional(),
  from: storableDate(z.coerce.date()).optional(),
  to: storableDate(z.coerce.date()).optional(),
});
export type LedgerExportFilters = z.output<typeof ledgerExportFiltersSchema>;

export const LEDGER_CSV_HEADER = [
  "transaction",
  "created_at",
  "kind",
  "description",
  "idempotency_key",
  "reverses",
  "entry",
  "account",
  "account_type",
  "owner",
  "wallet",
  "currency",
  "direction",
  "amount",
  "amount_minor",
] as const;

/**
 * One line per entry; the amount both in the currency's units and in its integer minor units. Amounts are written
 * unsigned with a direction ("in" to the account, "out" of it): csvCell defuses any cell starting with "-", which would
 * turn a signed amount into text in a spreadsheet.
 */
export function ledgerCsv(transactions: readonly ExplorerTransaction[]): string {
  const rows = transactions.flatMap((transaction) =>
    transaction.entries.map((entry) => [
      transaction.id.toString(),
      transaction.createdAt.toISOString(),
      transaction.kind,
      transaction.description,
      transaction.idempotencyKey,
      transaction.reversesId?.toString() ?? "",
      entry.id.toString(),
      entry.account,
      entry.accountType,
      entry.owner ?? "",
      entry.wallet ?? "",
      entry.currency,
      entry.amount < 0n ? "out" : "in",
      plainUnits(entry.amount < 0n ? -entry.amount : entry.amount, entry.exponent),
      (entry.amount < 0n ? -entry.amount : entry.amount).toString(),
    ]),
  );
  return csvDocument(LEDGER_CSV_HEADER, rows);
}

/** The filtered transactions for the file, with an audit row saying who took them and with which filters. */
export async function exportLedger(adminId: string, filters: LedgerExportFilters): Promise<string> {
  const { transactions } = await exploreLedger({
    userId: filters.user,
    kind: filters.kind,
    currency: filters.currency,
    from: filters.from,
    to: filters.to,
    limit: LEDGER_EXPORT_LIMIT,
  });
  await recordAudit(pool, {
    actorId: adminId,
    action: "ledger.exported",
    target: { type: "ledger", id: "export" },
    details: { filters, transactions: transactions.length },
  });
  return ledgerCsv(transactions);
}
