import { queryObject, refuse, routeHandler } from "@/server/api/route-handler";
import { SALE_KIND_LABELS } from "@/components/sales/sale-kind";
import { earningsOwnerFor } from "@/server/services/earnings";
import { exportRevenue, revenueFilterSchema } from "@/server/services/revenue";

export const dynamic = "force-dynamic";

/**
 * The business revenue page's sales, filtered as on the page, one CSV line per sale. A performer gets their own;
 * an admin any performer's, named by performerId.
 */
export const GET = routeHandler(
  {
    who: "signed-in",
    roles: ["PERFORMER", "ADMIN"],
    signInMessage: "Sign in to export your revenue.",
    roleMessage: "Only performers and administrators can export business revenue.",
  },
  async (request, { user }) => {
    const filters = revenueFilterSchema.safeParse(queryObject(request));
    if (!filters.success) return refuse(400, "Those filters are not valid.");
    const performerId = await earningsOwnerFor(user, filters.data.performerId);
    const csv = await exportRevenue(performerId, filters.data, (kind) => SALE_KIND_LABELS[kind]);
    const name = `revenue-${filters.data.period}-${new Date().toISOString().slice(0, 10)}.csv`;
    return new Response(csv, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  },
);
