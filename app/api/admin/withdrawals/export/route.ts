import type { NextRequest } from "next/server";
import { resolveSession } from "@/server/auth/session-token";
import { loadExportRows, withdrawalsCsv, withdrawalsXlsx } from "@/server/services/payout-exports";
import { withdrawalFiltersSchema } from "@/server/services/payouts";

export const dynamic = "force-dynamic";

function refuse(status: 400 | 401 | 403, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

/** The query string's filters; an empty value is no filter, as the queue's form sends it. */
function filtersFrom(params: URLSearchParams) {
  const raw = Object.fromEntries([...params].filter(([key, value]) => key !== "format" && value !== ""));
  return withdrawalFiltersSchema.safeParse(raw);
}

/**
 * The admin queue's withdrawals, filtered as on the page, as a CSV or a typed .xlsx download. Admins only: the
 * session is checked against the database here, since API routes pass the proxy unchecked.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const session = await resolveSession(request.cookies);
  if (session.status !== "active") return refuse(401, "Sign in to export withdrawals.");
  if (session.user.role !== "ADMIN") return refuse(403, "Only administrators can export withdrawals.");

  const format = request.nextUrl.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") return refuse(400, "Choose format=csv or format=xlsx.");
  const filters = filtersFrom(request.nextUrl.searchParams);
  if (!filters.success) return refuse(400, "Those filters are not valid.");

  const rows = await loadExportRows(session.user.id, filters.data, format);
  const name = `withdrawals-${new Date().toISOString().slice(0, 10)}.${format}`;
  const headers = { "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" };
  if (format === "csv") return new Response(withdrawalsCsv(rows), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
  const workbook = await withdrawalsXlsx(rows);
  return new Response(new Uint8Array(workbook), {
    headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  });
}
