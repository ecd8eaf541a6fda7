import "server-only";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { announceRequestChange } from "./notices";
import { expireDueRequests } from "./queries";

/** Requests a sweep marks expired per transaction; the rest wait for the next round of the same sweep. */
const BATCH = 200;

/**
 * Marks every pending request past its expiry expired and tells both sides (the member's pop-up closes, the
 * performer's list moves it). Reads already show such a request as expired and paying refuses it by the database's
 * clock; this makes the row say so. Safe on any number of workers: rows another sweep holds are skipped.
 */
export async function expireOverdueRequests(): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await withTransaction(pool, async (db) => {
      const ids = await expireDueRequests(db, BATCH);
      for (const id of ids) await announceRequestChange(db, id, "expired");
      return ids.length;
    });
    total += expired;
    if (expired < BATCH) return total;
  }
}
