import "server-only";
import PgBoss from "pg-boss";

/** pg-boss keeps its tables in this schema of the app's own database, apart from the Prisma-managed ones. */
export const JOBS_SCHEMA = "pgboss";

export function createBoss(options: Omit<PgBoss.ConstructorOptions, "schema">): PgBoss {
  const boss = new PgBoss({ ...options, schema: JOBS_SCHEMA });
  // An EventEmitter "error" without a listener would crash the process on a transient database hiccup.
  boss.on("error", (error) => console.error(`[jobs] ${error.message}`));
  return boss;
}
