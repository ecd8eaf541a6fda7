import "server-only";
import { pool } from "@/server/db/client";
import { renewDueMemberships } from "@/server/services/memberships";
import { defineJob } from "./definition";

/**
 * Renews memberships whose period ended, moves failed renewals into grace and ends the ones that are over, every
 * minute at the database's clock. Safe to run on any number of workers at once (rows are locked SKIP LOCKED and
 * each period's charge is keyed), and after a missed tick the next run picks up everything still due.
 */
export const membershipRenewalJob = defineJob({
  name: "memberships.renew",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    const { rows } = await pool.query<{ now: Date }>("SELECT now() AS now");
    const now = rows[0]?.now;
    if (!now) throw new Error("the database returned no time");
    await renewDueMemberships({ at: now });
  },
});
