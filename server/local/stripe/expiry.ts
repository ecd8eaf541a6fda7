import { expireOverdueSessions } from "./checkout";
import type { Context } from "./context";
import { expireOverdueAuthorizations } from "./payments";

/**
 * What Stripe does on its own once a deadline passes on the emulator's clock: open Checkout Sessions expire at
 * `expires_at`, uncaptured card authorisations at their charge's `capture_before`. Run every 30 s and whenever a
 * test advances the clock.
 */
export function expireOverdue(ctx: Context): void {
  expireOverdueSessions(ctx);
  expireOverdueAuthorizations(ctx);
}
