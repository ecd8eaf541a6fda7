import { queryObject, refuse, routeHandler } from "@/server/api/route-handler";
import { exportLedger, ledgerExportFiltersSchema } from "@/server/services/books";

export const dynamic = "force-dynamic";

/** The ledger explorer's transactions, filtered as on the page, one CSV line per entry with wallet and currency. Admins only. */
export const GET = routeHandler(
  { who: "signed-in", roles: ["ADMIN"], signInMessage: "Sign in to export the ledger.", roleMessage: "Only administrators can export the ledger." },
  async (request, { user }) => {
    const filters = ledgerExportFiltersSchema.safeParse(queryObject(request));
    if (!filters.success) return refuse(400, "Those filters are not valid.");
    const csv = await exportLedger(user.id, filters.data);
    const name = `ledger-${new Date().toISOString().slice(0, 10)}.csv`;
    return new Response(csv, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  },
);
