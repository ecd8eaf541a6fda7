import { seedContent } from "@/prisma/seed-content";
import { seedShows } from "@/prisma/seed-shows";
import { seedStore } from "@/prisma/seed-store";
import { pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { CREDITS, adjustmentLegs, systemAccount, walletAccount } from "@/server/domain/ledger";
import { DEFAULT_PAYMENT_REQUEST_SHARE_BPS } from "@/server/domain/payment-requests";
import { post } from "@/server/ledger/post";
import { postSale, setCommissionRate } from "@/server/services/sales";
import { matureDueEarnings } from "@/server/services/earnings";
import { type PlanInput, type PlanOwner, createPlan } from "@/server/services/memberships";
import type { MethodTermsInput, PayoutFieldInput } from "@/server/domain/payout-settings";
import { savePayoutField, savePayoutProfile, setMethodTerms, setPayoutRate } from "@/server/services/payouts";
import { updateRoomSettings } from "@/server/services/rooms";
import {
  SYSTEM_ACTOR,
  type UserActor,
  applyAsPerformer,
  createAdmin,
  createMember,
  reviewApplication,
} from "@/server/services/accounts";

/**
 * Demo data for local development and end-to-end tests. Idempotent: an account whose email already exists is
 * left exactly as it is. Everything goes through the same services the app uses, so the seed can't create
 * a state the app itself couldn't (and writes the same audit rows).
 */
export const DEMO_PASSWORD = "tipmeter-demo";

export const DEMO_ACCOUNTS = {
  admin: { email: "admin@tipmeter.test", username: "admin-ava", displayName: "Ava (Admin)" },
  performer1: {
    email: "performer1@tipmeter.test",
    username: "luna",
    displayName: "Luna Vale",
    stageName: "Luna Vale",
    bio: "Late-night acoustic sets, loop-pedal experiments and requests from the chat. Tips pick the next song.",
  },
  performer2: {
    email: "performer2@tipmeter.test",
    username: "rex",
    displayName: "Rex Ortega",
    stageName: "Chef Rex",
    bio: "Live cooking from a tiny kitchen: street food, fermentation and the occasional kitchen disaster.",
  },
  member1: { email: "member1@tipmeter.test", username: "member1", displayName: "Mia Member" },
  member2: { email: "member2@tipmeter.test", username: "member2", displayName: "Max Member" },
} as const;

export interface DemoUserIds {
  admin: string;
  performer1: string;
  performer2: string;
  member1: string;
  member2: string;
}

async function existingUserId(email: string): Promise<string | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  return user?.id ?? null;
}

async function seedAdmin(): Promise<UserActor> {
  const { email, username, displayName } = DEMO_ACCOUNTS.admin;
  const id = (await existingUserId(email)) ?? (await createAdmin(SYSTEM_ACTOR, { email, username, displayName, password: DEMO_PASSWORD })).id;
  return { id, role: "ADMIN" };
}

async function seedMember(account: { email: string; username: string; displayName: string }): Promise<string> {
  const existing = await existingUserId(account.email);
  if (existing) return existing;
  const user = await createMember(null, { ...account, password: DEMO_PASSWORD }, { announce: false });
  return user.id;
}

/** A member who applied and was approved by the demo admin, exactly as it happens in the app. */
async function seedApprovedPerformer(
  admin: UserActor,
  account: { email: string; username: string; displayName: string; stageName: string; bio: string },
): Promise<string> {
  const existing = await existingUserId(account.email);
  if (existing) return existing;
  const { stageName, bio, ...identity } = account;
  const member = await createMember(null, { ...identity, password: DEMO_PASSWORD }, { announce: false });
  await applyAsPerformer({ id: member.id, role: "MEMBER" }, { stageName, bio });
  await reviewApplication(admin, { userId: member.id, decision: "APPROVE", note: "Demo performer" }, { announce: false });
  return member.id;
}

export async function seedDemoUsers(): Promise<DemoUserIds> {
  const admin = await seedAdmin();
  return {
    admin: admin.id,
    performer1: await seedApprovedPerformer(admin, DEMO_ACCOUNTS.performer1),
    performer2: await seedApprovedPerformer(admin, DEMO_ACCOUNTS.performer2),
    member1: await seedMember(DEMO_ACCOUNTS.member1),
    member2: await seedMember(DEMO_ACCOUNTS.member2),
  };
}

/** The packages on sale in the demo shop, created only when the shop has none: card prices in USD and EUR. */
const DEMO_PACKAGES = [
  { name: "Starter", credits: 100n, bonusCredits: 0n, priceMinor: 999n, currency: "usd", sortOrder: 1 },
  { name: "Fan", credits: 550n, bonusCredits: 50n, priceMinor: 4999n, currency: "usd", sortOrder: 2 },
  { name: "Superfan", credits: 1200n, bonusCredits: 200n, priceMinor: 9999n, currency: "usd", sortOrder: 3 },
  { name: "Euro Starter", credits: 100n, bonusCredits: 0n, priceMinor: 949n, currency: "eur", sortOrder: 11 },
  { name: "Euro Fan", credits: 550n, bonusCredits: 50n, priceMinor: 4699n, currency: "eur", sortOrder: 12 },
];

async function seedCreditPackages(): Promise<void> {
  if ((await prisma.creditPackage.count()) > 0) return;
  await prisma.creditPackage.createMany({ data: DEMO_PACKAGES.map((pack) => ({ ...pack, active: true })) });
}

/** Welcome credits for the demo members, and a welcome bonus in their Bonus wallet, each posted once (keys fixed per member). */
const WELCOME_CREDITS = 500n;
const WELCOME_BONUS = 100n;

async function seedWelcomeCredits(ids: DemoUserIds): Promise<void> {
  for (const memberId of [ids.member1, ids.member2]) {
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `seed:welcome-credits:${memberId}`,
      actorId: ids.admin,
      description: "Adjustment: Welcome credits",
      metadata: { reason: "Welcome credits" },
      legs: adjustmentLegs(memberId, "available", WELCOME_CREDITS),
    });
    await post(pool, {
      kind: "ADJUSTMENT",
      idempotencyKey: `seed:welcome-bonus:${memberId}`,
      actorId: ids.admin,
      description: "Adjustment: Welcome bonus",
      metadata: { reason: "Welcome bonus" },
      legs: [
        { account: walletAccount(memberId, { accountKind: "bonus", currency: CREDITS }), amount: WELCOME_BONUS },
        { account: systemAccount("adjustments"), amount: -WELCOME_BONUS },
      ],
    });
  }
}

/** The performer's share per kind of sale, in basis points, set only while the schedule is empty. */
const DEFAULT_COMMISSION_RATES = [
  { kind: "TIP", performerShareBps: 8000 },
  { kind: "PRIVATE_SHOW", performerShareBps: 7000 },
  { kind: "GROUP_SHOW", performerShareBps: 7000 },
  { kind: "CONTENT", performerShareBps: 7500 },
  { kind: "MEMBERSHIP", performerShareBps: 7500 },
  { kind: "STORE", performerShareBps: 8000 },
  { kind: "PAYMENT_REQUEST_SERVICE", performerShareBps: DEFAULT_PAYMENT_REQUEST_SHARE_BPS.SERVICE },
  { kind: "PAYMENT_REQUEST_GOODS", performerShareBps: DEFAULT_PAYMENT_REQUEST_SHARE_BPS.GOODS },
] as const;

async function seedCommissionRates(ids: DemoUserIds): Promise<void> {
  if ((await prisma.commissionRate.count()) > 0) return;
  for (const rate of DEFAULT_COMMISSION_RATES) await setCommissionRate(ids.admin, rate);
}

/** The demo fan clubs and site plan, each created once (looked up by owner and name). */
async function seedMembershipPlans(ids: DemoUserIds): Promise<void> {
  const plans: Array<{ owner: PlanOwner; plan: PlanInput }> = [
    {
      owner: { kind: "performer", performerId: ids.performer1 },
      plan: {
        name: "Luna's Inner Circle",
        description: "Join the regulars who shape the setlist.",
        perks: "Members-only acoustic demos\nVote on the next live set\nYour name in the credits of every loop video",
        price: 50n,
        periodDays: 30,
      },
    },
    {
      owner: { kind: "performer", performerId: ids.performer2 },
      plan: {
        name: "Rex's Kitchen Club",
        description: "Recipes and fermentation notes before anyone else.",
        perks: "Printable recipe cards\nMembers-only cook-alongs",
        price: 80n,
        periodDays: 30,
      },
    },
    {
      owner: { kind: "site", adminId: ids.admin },
      plan: {
        name: "Premium",
        description: "The Tipmeter premium membership.",
        perks: "Premium badge in every room\nPremium-only content across the site",
        price: 200n,
        periodDays: 30,
      },
    },
  ];
  for (const { owner, plan } of plans) {
    const exists = await prisma.membershipPlan.findFirst({
      where: { performerId: owner.kind === "performer" ? owner.performerId : null, name: plan.name },
      select: { id: true },
    });
    if (!exists) await createPlan(owner, plan);
  }
}

/** The payout profile fields admins require: identity for everyone, then each method's own details. */
export const DEMO_PAYOUT_FIELDS: Array<Omit<PayoutFieldInput, "id">> = [
  { key: "legal_name", label: "Legal name", format: "text", required: true, sensitive: false, methods: [], sortOrder: 10, active: true },
  { key: "country", label: "Country", format: "country", required: true, sensitive: false, methods: [], sortOrder: 20, active: true },
  { key: "tax_id", label: "Tax ID", format: "tax_id", required: true, sensitive: true, methods: [], sortOrder: 30, active: true },
  { key: "paypal_email", label: "PayPal email", format: "email", required: true, sensitive: true, methods: ["PAYPAL"], sortOrder: 40, active: true },
  { key: "iban", label: "IBAN", format: "iban", required: true, sensitive: true, methods: ["BANK_TRANSFER"], sortOrder: 50, active: true },
  { key: "swift", label: "SWIFT/BIC", format: "swift", required: true, sensitive: false, methods: ["BANK_TRANSFER"], sortOrder: 60, active: true },
];

/** Fees in cents of the payout currency plus basis points; limits in credits (20 credits = $1). */
export const DEMO_PAYOUT_METHODS: MethodTermsInput[] = [
  { method: "PAYPAL", fixedMinor: 30n, percentBps: 200, minCredits: 200n, maxCredits: 100_000n },
  { method: "BANK_TRANSFER", fixedMinor: 100n, percentBps: 0, minCredits: 1_000n, maxCredits: 500_000n },
  { method: "STRIPE_CONNECT", fixedMinor: 25n, percentBps: 25, minCredits: 100n, maxCredits: 200_000n },
];

/** Earnings Luna can withdraw in the demo, posted once. */
const LUNA_MATURED_EARNINGS = 5_000n;

/** Payout configuration, each piece created only when missing, and Luna ready to withdraw. */
async function seedPayouts(ids: DemoUserIds): Promise<void> {
  const fieldKeys = new Set((await prisma.payoutField.findMany({ select: { key: true } })).map((field) => field.key));
  for (const field of DEMO_PAYOUT_FIELDS) if (!fieldKeys.has(field.key)) await savePayoutField(ids.admin, field);
  if (!(await prisma.payoutRate.findUnique({ where: { currency: "USD" } }))) {
    await setPayoutRate(ids.admin, { currency: "USD", credits: 20n, amountMinor: 100n });
  }
  const offered = new Set((await prisma.payoutMethodFee.findMany({ select: { method: true } })).map((terms) => terms.method));
  for (const terms of DEMO_PAYOUT_METHODS) if (!offered.has(terms.method)) await setMethodTerms(ids.admin, terms);

  if (!(await prisma.payoutProfile.findUnique({ where: { performerId: ids.performer1 } }))) {
    await savePayoutProfile(ids.performer1, {
      method: "PAYPAL",
      currency: "USD",
      details: { legal_name: "Luna Vale", country: "US", tax_id: "98-7654321", paypal_email: "luna.vale@example.com" },
    });
    // Saving starts the payout-method lock; the demo performer set her details long ago, so she can withdraw now.
    await pool.query("UPDATE payout_profiles SET method_changed_at = now() - interval '60 days' WHERE performer_id = $1", [ids.performer1]);
  }
  await post(pool, {
    kind: "ADJUSTMENT",
    idempotencyKey: `seed:matured-earnings-wallet:${ids.performer1}`,
    actorId: ids.admin,
    description: "Adjustment: Matured demo earnings",
    metadata: { reason: "Matured demo earnings" },
    legs: adjustmentLegs(ids.performer1, "earnings", LUNA_MATURED_EARNINGS),
  });
}

/**
 * The demo rooms, set up once: Rex runs his own prices and starts the meter himself; Luna's room (site defaults)
 * has a welcome line in its chat. The line is inserted directly: the chat service would also announce it on the
 * realtime server, which is not running while the seed does.
 */
async function seedRooms(ids: DemoUserIds): Promise<void> {
  const { rows } = await pool.query("SELECT 1 FROM rooms WHERE performer_id = $1", [ids.performer2]);
  if (rows.length === 0) {
    await updateRoomSettings(
      { id: ids.performer2, role: "PERFORMER" },
      { privatePricePerMinute: 90n, groupPricePerMinute: 30n, meterControl: "PERFORMER_STARTS" },
    );
  }
  await pool.query(
    `INSERT INTO room_messages (performer_id, sender_id, body) SELECT $1, $1, $2
      WHERE NOT EXISTS (SELECT 1 FROM room_messages WHERE performer_id = $1)`,
    [ids.performer1, "Welcome in! Requests go in the chat, and tips pick the next song."],
  );
}

/** Demo tips, so the performers' earnings pages have something to show; the `matured` ones are past their hold. */
const DEMO_TIPS: ReadonlyArray<{ from: "member1" | "member2"; to: "performer1" | "performer2"; amount: bigint; message: string | null; matured: boolean }> = [
  { from: "member1", to: "performer1", amount: 40n, message: "That loop-pedal cover was unreal", matured: true },
  { from: "member2", to: "performer1", amount: 25n, message: null, matured: true },
  { from: "member2", to: "performer2", amount: 30n, message: "Saving the kimchi recipe", matured: true },
  { from: "member1", to: "performer1", amount: 15n, message: "One more song?", matured: false },
  { from: "member1", to: "performer2", amount: 20n, message: null, matured: false },
  { from: "member2", to: "performer1", amount: 10n, message: "Goodnight from Lisbon", matured: false },
];

/**
 * Each tip is posted once (fixed keys) as the tip service posts it. The ledger dates every posting now, so the
 * older tips' holds are ended by moving their lots' maturity to now, and the maturation job's own code moves
 * them to available (without announcing it: the realtime server starts after the seed).
 */
async function seedEarnings(ids: DemoUserIds): Promise<void> {
  const maturedSales: string[] = [];
  for (const [index, tip] of DEMO_TIPS.entries()) {
    const { stageName } = DEMO_ACCOUNTS[tip.to];
    const performerId = ids[tip.to];
    const sale = await withTransaction(pool, (db) =>
      postSale(db, {
        kind: "TIP",
        saleKind: "TIP",
        buyerId: ids[tip.from],
        performerId,
        amount: tip.amount,
        idempotencyKey: `seed:earnings:tip:${index}`,
        request: { performerId, amount: tip.amount, message: tip.message },
        description: `Tip to ${stageName}`,
        metadata: { stageName, message: tip.message },
      }),
    );
    if (tip.matured) maturedSales.push(sale.transactionId.toString());
  }
  await pool.query("UPDATE earnings_lots SET matures_at = now() WHERE transaction_id = ANY($1::bigint[]) AND matured_at IS NULL", [maturedSales]);
  await matureDueEarnings({ announce: false });
}

export async function seed(): Promise<void> {
  const ids = await seedDemoUsers();
  await seedCreditPackages();
  await seedWelcomeCredits(ids);
  await seedCommissionRates(ids);
  await seedMembershipPlans(ids);
  await seedContent(ids);
  await seedStore(ids);
  await seedRooms(ids);
  await seedPayouts(ids);
  await seedEarnings(ids);
  await seedShows(ids);
}

/** `npm run db:seed` (scripts/db.ts) runs the default export. */
export default seed;
