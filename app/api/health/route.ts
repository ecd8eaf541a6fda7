import { routeHandler } from "@/server/api/route-handler";
import { pool } from "@/server/db/client";

// Polled by Playwright's webServer and the dev orchestrator: ready means the app answers and the database too.
export const dynamic = "force-dynamic";

export const GET = routeHandler({ who: "anyone" }, async () => {
  try {
    await pool.query("SELECT 1");
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: "database unavailable" }, { status: 503 });
  }
});
