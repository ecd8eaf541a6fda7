import "server-only";
import { z } from "zod";
import { pool, prisma } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import {
  PAYOUT_METHOD_LABELS,
  type PayoutDetailLine,
  type SavePayoutProfileInput,
  detailLines,
  isLocked,
  lockEndsAt,
  missingPayoutFields,
  payoutDestinationChanged,
  savePayoutProfileSchema,
  snapshotPayoutDetails,
  validatePayoutDetails,
} from "@/server/domain/payouts";
import { env } from "@/server/env";
import type { PayoutMethod } from "@/server/generated/prisma/enums";
import { payments } from "@/server/integrations/payments";
import { type MethodTerms, type PayoutField, type PayoutRate, getPayoutConfiguration, loadPayoutFields } from "./settings";
import { getSetting } from "../settings/settings";
import { recordAudit } from "@/server/services/audit/record";
import { type PayoutProfileRecord, databaseNow, selectPayoutProfileLocked, setStripeAccount, upsertPayoutProfile } from "./queries";

/**
 * Payout profiles: where a performer's money goes. Values are checked against the fields admins require for
 * the chosen method; any change of method, details or Stripe account restarts the payout-method lock (the
 * defence against a taken-over account redirecting payouts). Admins see profiles with sensitive values masked;
 * revealing them is audited.
 */

export type { PayoutProfileRecord };

const PROFILE_SELECT = {
  performerId: true,
  method: true,
  currency: true,
  details: true,
  stripeAccountId: true,
  methodChangedAt: true,
  updatedAt: true,
} as const;

/** The profile as it is now, for reading; a use case that acts on it locks it with lockPayoutProfile instead. */
export async function findPayoutProfile(performerId: string): Promise<PayoutProfileRecord | null> {
  const profile = await prisma.payoutProfile.findUnique({ where: { performerId }, select: PROFILE_SELECT });
  return profile && { ...profile, details: profile.details as Record<string, string> };
}

/** The profile, locked as the use case needs it (see selectPayoutProfileLocked). */
export function lockPayoutProfile(db: Queryable, performerId: string, lock: "share" | "update"): Promise<PayoutProfileRecord | null> {
  return selectPayoutProfileLocked(db, performerId, lock);
}

/** Required fields the profile lacks for its method, a Stripe account included. */
export function profileGaps(fields: readonly PayoutField[], profile: PayoutProfileRecord): string[] {
  const missing = missingPayoutFields(fields, profile.method, profile.details);
  if (profile.method === "STRIPE_CONNECT" && !profile.stripeAccountId) missing.push("a connected Stripe account");
  return missing;
}

/** Performers have payout profiles; so do applicants, so that the admin reviewing them sees where money would go. */
async function assertMayHaveProfile(userId: string): Promise<void> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { role: true, performerProfile: { select: { status: true } } } });
  if (!user) throw new DomainError("UNAUTHORIZED", "Sign in to continue.");
  if (user.role === "PERFORMER" || (user.role === "MEMBER" && user.performerProfile?.status === "PENDING")) return;
  throw new DomainError("FORBIDDEN", "Only performers and performer applicants have payout details.");
}

export interface MyPayoutProfile {
  profile: PayoutProfileRecord | null;
  /** While set, withdrawals are blocked until then. */
  lockedUntil: Date | null;
  lockDays: number;
  missing: string[];
  fields: PayoutField[];
  methods: MethodTerms[];
  currencies: PayoutRate[];
}

async function lockedUntil(db: Queryable, profile: PayoutProfileRecord | null, lockDays: number): Promise<Date | null> {
  if (!profile) return null;
  const now = await databaseNow(db);
  return isLocked(profile.methodChangedAt, lockDays, now) ? lockEndsAt(profile.methodChangedAt, lockDays) : null;
}

/** The signed-in user's own profile, in full, with what the form needs to edit it. */
export async function getMyPayoutProfile(userId: string): Promise<MyPayoutProfile> {
  await assertMayHaveProfile(userId);
  const configuration = await getPayoutConfiguration();
  const profile = await findPayoutProfile(userId);
  return {
    profile,
    lockedUntil: await lockedUntil(pool, profile, configuration.policy.methodLockDays),
    lockDays: configuration.policy.methodLockDays,
    missing: profile ? profileGaps(configuration.fields, profile) : [],
    fields: configuration.fields,
    methods: configuration.methods,
    currencies: configuration.rates,
  };
}

export interface SavedPayoutProfile {
  /** True when the method or details changed, which restarted the lock. */
  changed: boolean;
  lockedUntil: Date | null;
}

export async function savePayoutProfile(userId: string, input: SavePayoutProfileInput): Promise<SavedPayoutProfile> {
  const { method, currency, details } = savePayoutProfileSchema.parse(input);
  await assertMayHaveProfile(userId);
  const configuration = await getPayoutConfiguration();
  return withTransaction(pool, async (db) => {
    if (!configuration.methods.some((terms) => terms.method === method)) {
      throw new DomainError("BAD_REQUEST", `${PAYOUT_METHOD_LABELS[method]} payouts are not offered.`, { fieldErrors: { method: ["Choose a method we offer."] } });
    }
    if (!configuration.rates.some((rate) => rate.currency === currency)) {
      throw new DomainError("BAD_REQUEST", `Payouts in ${currency} are not offered.`, { fieldErrors: { currency: ["Choose a currency we pay out in."] } });
    }
    const validated = validatePayoutDetails(configuration.fields, method, details);
    if (Object.keys(validated.fieldErrors).length > 0) {
      throw new DomainError("BAD_REQUEST", "Some payout details need attention.", { fieldErrors: validated.fieldErrors });
    }

    const previous = await lockPayoutProfile(db, userId, "update");
    const stripeAccountId = previous?.stripeAccountId ?? null;
    const destination = (profile: { method: PayoutMethod; details: Record<string, string> }) => ({
      method: profile.method,
      details: profile.details,
      stripeAccountId: profile.method === "STRIPE_CONNECT" ? stripeAccountId : null,
    });
    const changed = payoutDestinationChanged(previous && destination(previous), destination({ method, details: validated.values }));
    const saved = await upsertPayoutProfile(db, userId, { method, currency, details: validated.values }, changed);
    if (!saved) throw new Error("payout profile upsert returned no row");
    // Which fields changed, never their values: the audit log is read more widely than payout details.
    const changedKeys = Object.keys({ ...previous?.details, ...validated.values }).filter((key) => previous?.details[key] !== validated.values[key]);
    await recordAudit(db, {
      actorId: userId,
      action: "payout_profile.saved",
      target: { type: "payout_profile", id: userId },
      details: { method, currency, previousMethod: previous?.method ?? null, changedKeys, lockRestarted: changed },
    });
    const policy = await getSetting(db, "payouts");
    return { changed, lockedUntil: await lockedUntil(db, saved, policy.methodLockDays) };
  });
}

export const stripeOnboardingSchema = z.object({ returnTo: z.enum(["profile", "account"]) });

const RETURN_PATHS = { profile: "/performer/payout-profile", account: "/account" } as const;

/**
 * Opens Stripe's hosted onboarding for the performer's connected account, creating the account the first time
 * (its creation is a change of payout destination, so it restarts the lock).
 */
export async function startStripeOnboarding(userId: string, input: z.input<typeof stripeOnboardingSchema>): Promise<{ url: string }> {
  const { returnTo } = stripeOnboardingSchema.parse(input);
  await assertMayHaveProfile(userId);
  const profile = await findPayoutProfile(userId);
  if (profile?.method !== "STRIPE_CONNECT") {
    throw new DomainError("PRECONDITION_FAILED", "Choose Stripe as your payout method and save it first.");
  }
  let accountId = profile.stripeAccountId;
  if (!accountId) {
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
    const account = await payments().createConnectedAccount({
      country: profile.details.country ?? "US",
      email: user?.email,
      metadata: { performer_id: userId },
      idempotencyKey: `payout-profile:${userId}:stripe-account`,
    });
    accountId = account.id;
    await withTransaction(pool, async (db) => {
      await setStripeAccount(db, userId, account.id);
      await recordAudit(db, {
        actorId: userId,
        action: "payout_profile.stripe_connected",
        target: { type: "payout_profile", id: userId },
        details: { stripeAccountId: account.id },
      });
    });
  }
  const back = `${env.APP_URL}${RETURN_PATHS[returnTo]}`;
  const link = await payments().onboardingLink(accountId, { refreshUrl: `${back}?stripe=refresh`, returnUrl: `${back}?stripe=return` });
  return { url: link.url };
}

export interface StripeAccountStatus {
  accountId: string | null;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
}

/** Stripe is the truth about a connected account: asked each time, never cached here. */
export async function stripeAccountStatus(userId: string): Promise<StripeAccountStatus> {
  const profile = await findPayoutProfile(userId);
  if (!profile?.stripeAccountId) return { accountId: null, payoutsEnabled: false, detailsSubmitted: false };
  const account = await payments().connectedAccount(profile.stripeAccountId);
  return { accountId: account.id, payoutsEnabled: account.payoutsEnabled, detailsSubmitted: account.detailsSubmitted };
}

export interface AdminPayoutProfile {
  method: PayoutMethod;
  currency: string;
  lines: PayoutDetailLine[];
  methodChangedAt: Date;
  lockedUntil: Date | null;
  missing: string[];
}

async function adminProfileView(performerId: string, reveal: boolean): Promise<AdminPayoutProfile | null> {
  const profile = await findPayoutProfile(performerId);
  if (!profile) return null;
  const fields = await loadPayoutFields();
  const policy = await getSetting(pool, "payouts");
  return {
    method: profile.method,
    currency: profile.currency,
    lines: detailLines(snapshotPayoutDetails(fields, profile), reveal),
    methodChangedAt: profile.methodChangedAt,
    lockedUntil: await lockedUntil(pool, profile, policy.methodLockDays),
    missing: profileGaps(fields, profile),
  };
}

export const performerIdSchema = z.object({ performerId: z.uuid() });

/** A performer's (or applicant's) profile for an admin, sensitive values masked. */
export function adminPayoutProfile(input: z.input<typeof performerIdSchema>): Promise<AdminPayoutProfile | null> {
  return adminProfileView(performerIdSchema.parse(input).performerId, false);
}

/** The same in full; the reveal itself is recorded in the audit log before anything is shown. */
export async function revealPayoutProfile(adminId: string, input: z.input<typeof performerIdSchema>): Promise<AdminPayoutProfile> {
  const { performerId } = performerIdSchema.parse(input);
  if ((await prisma.payoutProfile.count({ where: { performerId } })) === 0) throw new DomainError("NOT_FOUND", "This user has no payout details.");
  await recordAudit(pool, { actorId: adminId, action: "payout_profile.revealed", target: { type: "payout_profile", id: performerId } });
  const view = await adminProfileView(performerId, true);
  if (!view) throw new DomainError("NOT_FOUND", "This user has no payout details.");
  return view;
}
