import { PAYOUT_METHODS, WITHDRAWAL_STATUSES } from "@/server/domain/payouts";
import type { PayoutMethod, WithdrawalStatus } from "@/server/generated/prisma/enums";

/**
 * The admin withdrawal queue keeps its filters in the URL (a GET form), so a view can be linked, reloaded and
 * exported as shown. Parsing is forgiving: a bad value falls back to the default. The default view is what
 * waits for an admin; "ALL" shows everything.
 */
export type QueueStatus = "OPEN" | "ALL" | WithdrawalStatus;

export interface QueueParams {
  status: QueueStatus;
  performer: string;
  method: PayoutMethod | "";
  /** "YYYY-MM-DD" or empty. */
  from: string;
  to: string;
}

export const QUEUE_STATUSES: readonly QueueStatus[] = ["OPEN", "ALL", ...WITHDRAWAL_STATUSES];

type RawParams = Record<string, string | string[] | undefined>;

function first(raw: RawParams, key: string): string {
  const value = raw[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function date(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? value : "";
}

export function parseQueueParams(raw: RawParams): QueueParams {
  const status = first(raw, "status");
  const method = first(raw, "method");
  return {
    status: QUEUE_STATUSES.find((candidate) => candidate === status) ?? "OPEN",
    performer: first(raw, "performer").trim().slice(0, 100),
    method: PAYOUT_METHODS.find((candidate) => candidate === method) ?? "",
    from: date(first(raw, "from")),
    to: date(first(raw, "to")),
  };
}

/** What the queue query and the export take. */
export function queueFilters(params: QueueParams) {
  return {
    status: params.status === "ALL" ? undefined : params.status,
    performer: params.performer || undefined,
    method: params.method || undefined,
    from: params.from || undefined,
    to: params.to || undefined,
  };
}

/** The download of what the queue shows (the export takes the same filters). */
export function exportHref(params: QueueParams, format: "csv" | "xlsx"): string {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(queueFilters(params))) if (value) query.set(key, value);
  return `/api/admin/withdrawals/export?${query.toString()}`;
}
