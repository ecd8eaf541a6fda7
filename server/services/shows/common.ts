import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { holdDaysFor } from "@/server/domain/earnings";
import { LOW_BALANCE_SECONDS, type MeterTerms, STALE_AFTER_SECONDS } from "@/server/domain/metering";
import { type ShowEndReason, isShowEndReason } from "@/server/domain/shows";
import type { Role } from "@/server/generated/prisma/enums";
import { getSetting } from "../settings/settings";
import type { MeterParams } from "./metering";
import type { ShowRecord } from "./queries";

/**
 * What every file of shows shares: who acts, the options that move the clock, the meter's settings and the
 * refusal for a show the caller is not a party to.
 */

export interface ShowActor {
  id: string;
  role: Role;
}

/**
 * Tests and demo data move time with `at`; the app always uses the database's clock. `quiet` sends no events or
 * emails (demo data is seeded before the realtime server and the mail sink start).
 */
export interface ShowOptions {
  at?: Date;
  quiet?: boolean;
}

export async function meterParams(db: Queryable): Promise<MeterParams> {
  // One after the other: `db` may be a transaction's client, which runs one query at a time.
  const shows = await getSetting(db, "shows");
  const earningsHold = await getSetting(db, "earningsHold");
  return {
    staleSeconds: STALE_AFTER_SECONDS,
    offlineTimeoutSeconds: shows.offlineTimeoutSeconds,
    lowBalanceSeconds: LOW_BALANCE_SECONDS,
    holdDaysPrivate: holdDaysFor(earningsHold, "PRIVATE_SHOW"),
    holdDaysGroup: holdDaysFor(earningsHold, "GROUP_SHOW"),
  };
}

export function termsOf(show: ShowRecord): MeterTerms {
  return {
    pricePerMinute: BigInt(show.price_per_minute),
    freeSeconds: show.free_seconds,
    minimumMinutes: show.minimum_minutes,
    incrementSeconds: show.increment_seconds,
  };
}

export function endReasonOf(value: string | null): ShowEndReason | null {
  return isShowEndReason(value) ? value : null;
}

/**
 * A show the caller is not a party to is answered as one that does not exist: show ids are private, and a
 * different refusal would confirm that the id is real.
 */
export const NO_SUCH_SHOW = "That show does not exist.";
