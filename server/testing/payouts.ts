import type { SessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { callerAs } from "./api";
import { DEMO_PAYOUT_FIELDS, DEMO_PAYOUT_METHODS } from "@/prisma/seed";
import type { SavePayoutProfileInput } from "@/server/domain/payouts";

/** Test helpers for withdrawals: the demo payout configuration, and performers ready to withdraw. */

/** The demo configuration: 20 credits = $1; PayPal 30¢ + 2% for 200 to 100,000 credits; bank, Stripe. */
export async function configurePayouts(admin: SessionUser): Promise<void> {
  for (const field of DEMO_PAYOUT_FIELDS) await callerAs(admin).payouts.settings.saveField(field);
  await callerAs(admin).payouts.settings.setRate({ currency: "USD", credits: 20n, amountMinor: 100n });
  for (const terms of DEMO_PAYOUT_METHODS) await callerAs(admin).payouts.settings.setMethod(terms);
}

export const PROFILE_DETAILS: Record<Exclude<PayoutMethod, "STRIPE_CONNECT">, Record<string, string>> = {
  PAYPAL: { legal_name: "Test Performer", country: "US", tax_id: "98-7654321", paypal_email: "performer@example.com" },
  BANK_TRANSFER: { legal_name: "Test Performer", country: "DE", tax_id: "DE123456789", iban: "DE89370400440532013000", swift: "DEUTDEFF" },
};

/** The payout-method lock served: as if the details had been set long ago. */
export async function endPayoutLock(performerId: string): Promise<void> {
  await pool.query("UPDATE payout_profiles SET method_changed_at = now() - interval '400 days' WHERE performer_id = $1", [performerId]);
}

/** Saves a complete profile and ends its lock, so the performer can withdraw at once. */
export async function readyToWithdraw(performer: SessionUser, profile: Partial<SavePayoutProfileInput> = {}): Promise<void> {
  const method = profile.method ?? "PAYPAL";
  await callerAs(performer).payouts.profile.save({
    method,
    currency: profile.currency ?? "USD",
    details: profile.details ?? (method === "STRIPE_CONNECT" ? PROFILE_DETAILS.PAYPAL : PROFILE_DETAILS[method]),
  });
  await endPayoutLock(performer.id);
}
