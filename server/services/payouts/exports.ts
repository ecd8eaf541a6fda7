import "server-only";
import ExcelJS from "exceljs";
import { pool } from "@/server/db/client";
import { csvDocument } from "@/server/domain/csv";
import { minorUnitExponent } from "@/server/domain/money";
import { PAYOUT_METHOD_LABELS } from "@/server/domain/payouts";
import { type AdminWithdrawalView, type WithdrawalFilters, queryWithdrawals } from "./withdrawal-review";
import { recordAudit } from "@/server/services/audit/record";
import { walletTypeById } from "@/server/services/wallet/wallet-types";
import { EARNINGS_WALLET } from "@/server/domain/wallets";

/**
 * The admin queue's filtered withdrawals as files for accounting: CSV (text, exact decimal amounts) and a real
 * Excel workbook whose cells are typed: numbers as numbers, times as dates, money as numbers in the
 * withdrawal's currency format. Payout details are left out: they belong to the reveal, which is audited.
 */

export const EXPORT_LIMIT = 50_000;

export const EXPORT_COLUMNS = [
  "Withdrawal ID",
  "Requested at",
  "Last change",
  "Performer",
  "Username",
  "Email",
  "Method",
  "Status",
  "Wallet",
  "Wallet currency",
  "Credits",
  "Currency",
  "Gross",
  "Fee",
  "Net",
  "Reference",
  "Reason",
] as const;

/** A withdrawal with the wallet it draws on: always Earnings, in credits (its own name and currency, as the admin set them). */
export interface ExportRow extends AdminWithdrawalView {
  wallet: { name: string; currency: string };
}

/** The rows to export; who exported what is audited, as exports leave the system. */
export async function loadExportRows(adminId: string, filters: WithdrawalFilters, format: "csv" | "xlsx"): Promise<ExportRow[]> {
  const [rows, earnings] = await Promise.all([queryWithdrawals(pool, filters, EXPORT_LIMIT), walletTypeById(pool, EARNINGS_WALLET)]);
  await recordAudit(pool, { actorId: adminId, action: "withdrawals.exported", target: { type: "withdrawal", id: "export" }, details: { filters, format, rows: rows.length } });
  const wallet = { name: earnings.name, currency: earnings.currency };
  return rows.map((row) => ({ ...row, wallet }));
}

/** 4870n in USD -> "48.70": exact, from the integer, never through a float. */
function decimalAmount(minor: bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  if (exponent === 0) return minor.toString();
  const digits = minor.toString().padStart(exponent + 1, "0");
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

function textColumns(row: AdminWithdrawalView) {
  return {
    performer: row.performer.stageName ?? row.performer.displayName,
    method: PAYOUT_METHOD_LABELS[row.method],
  };
}

export function withdrawalsCsv(rows: readonly ExportRow[]): string {
  return csvDocument(
    EXPORT_COLUMNS,
    rows.map((row) => {
      const { performer, method } = textColumns(row);
      return [
        row.id,
        row.createdAt.toISOString(),
        row.updatedAt.toISOString(),
        performer,
        row.performer.username,
        row.performer.email,
        method,
        row.statusLabel,
        row.wallet.name,
        row.wallet.currency,
        row.credits.toString(),
        row.currency,
        decimalAmount(row.grossMinor, row.currency),
        decimalAmount(row.feeMinor, row.currency),
        decimalAmount(row.netMinor, row.currency),
        row.reference ?? "",
        row.reason ?? "",
      ];
    }),
  );
}

const CURRENCY_SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" };

/** Excel's number format for amounts in a currency: "$"#,##0.00, or #,##0.00 "CHF" for one without a symbol. */
function excelCurrencyFormat(currency: string): string {
  const code = currency.toUpperCase();
  const exponent = minorUnitExponent(code);
  const number = exponent > 0 ? `#,##0.${"0".repeat(exponent)}` : "#,##0";
  const symbol = CURRENCY_SYMBOLS[code];
  return symbol ? `"${symbol}"${number}` : `${number} "${code}"`;
}

/** Money as a number of major units for a spreadsheet cell; exact for any amount a withdrawal can hold. */
function majorUnits(minor: bigint, currency: string): number {
  return Number(minor) / 10 ** minorUnitExponent(currency);
}

export async function withdrawalsXlsx(rows: readonly ExportRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Tipmeter";
  const sheet = workbook.addWorksheet("Withdrawals", { views: [{ state: "frozen", ySplit: 1 }] });
  const widths = [38, 20, 20, 22, 18, 28, 14, 12, 12, 10, 12, 10, 14, 12, 14, 28, 32];
  sheet.columns = EXPORT_COLUMNS.map((header, index) => ({ header, width: widths[index] }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const { performer, method } = textColumns(row);
    const added = sheet.addRow([
      row.id,
      row.createdAt,
      row.updatedAt,
      performer,
      row.performer.username,
      row.performer.email,
      method,
      row.statusLabel,
      row.wallet.name,
      row.wallet.currency,
      Number(row.credits),
      row.currency,
      majorUnits(row.grossMinor, row.currency),
      majorUnits(row.feeMinor, row.currency),
      majorUnits(row.netMinor, row.currency),
      row.reference,
      row.reason,
    ]);
    added.getCell(2).numFmt = "yyyy-mm-dd hh:mm:ss";
    added.getCell(3).numFmt = "yyyy-mm-dd hh:mm:ss";
    added.getCell(11).numFmt = "#,##0";
    const money = excelCurrencyFormat(row.currency);
    for (const column of [13, 14, 15]) added.getCell(column).numFmt = money;
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: EXPORT_COLUMNS.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
