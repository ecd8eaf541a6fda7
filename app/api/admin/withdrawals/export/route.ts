import { queryObject, refuse, routeHandler } from "@/server/api/route-handler";
import { loadExportRows, withdrawalFiltersSchema, withdrawalsCsv, withdrawalsXlsx } from "@/server/services/payouts";

export const dynamic = "force-dynamic";

/** The admin queue's withdrawals, filtered as on the page, as a CSV or a typed .xlsx download. Admins only. */
export const GET = routeHandler(
  { who: "signed-in", roles: ["ADMIN"], signInMessage: "Sign in to export withdrawals.", roleMessage: "Only administrators can export withdrawals." },
  async (request, { user }) => {
    const format = request.nextUrl.searchParams.get("format") ?? "csv";
    if (format !== "csv" && format !== "xlsx") return refuse(400, "Choose format=csv or format=xlsx.");
    const filters = withdrawalFiltersSchema.safeParse(queryObject(request, ["format"]));
    if (!filters.success) return refuse(400, "Those filters are not valid.");

    const rows = await loadExportRows(user.id, filters.data, format);
    const name = `withdrawals-${new Date().toISOString().slice(0, 10)}.${format}`;
    const headers = { "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" };
    if (format === "csv") return new Response(withdrawalsCsv(rows), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
    const workbook = await withdrawalsXlsx(rows);
    return new Response(new Uint8Array(workbook), {
      headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    });
  },
);
