import { pool, prisma } from "@/server/db/client";
import { adjustmentLegs } from "@/server/domain/ledger";
import { post } from "@/server/ledger/post";
import { setCommissionRate } from "@/server/services/commissions";
import {
  SYSTEM_ACTOR,
  type UserActor,
  applyAsPerformer,
  createAdmin,
  createMember,
  reviewApplication,
} from "@/server/services/users";

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
  const user = await createMember(null, { ...account, password: DEMO_PASSWORD });
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
  const member = await createMember(null, { ...identity, password: DEMO_PASSWORD });
  await applyAsPerformer({ id: member.id, role: "MEMBER" }, { stageName, bio });
  await reviewApplication(admin, { userId: member.id, decision: "APPROVE", note: "Demo performer" });
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

/** The packages on sale in the demo shop, created only when the shop has none. */
const DEMO_PACKAGES = [
  { name: "Starter", credits: 100n, bonusCredits: 0n, priceMinor: 999n, sortOrder: 1 },
  { name: "Fan", credits: 550n, bonusCredits: 50n, priceMinor: 4999n, sortOrder: 2 },
  { name: "Superfan", credits: 1200n, bonusCredits: 200n, priceMinor: 9999n, sortOrder: 3 },
];

async function seedCreditPackages(): Promise<void> {
  if ((await prisma.creditPackage.count()) > 0) return;
  await prisma.creditPackage.createMany({ data: DEMO_PACKAGES.map((pack) => ({ ...pack, currency: "usd", active: true })) });
}

/** Welcome credits for the demo members, posted once (the idempotency key is fixed per member). */
const WELCOME_CREDITS = 500n;

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
  { kind: "PAYMENT_REQUEST", performerShareBps: 8000 },
] as const;

async function seedCommissionRates(ids: DemoUserIds): Promise<void> {
  if ((await prisma.commissionRate.count()) > 0) return;
  for (const rate of DEFAULT_COMMISSION_RATES) await setCommissionRate(ids.admin, rate);
}

export async function seed(): Promise<void> {
  const ids = await seedDemoUsers();
  await seedCreditPackages();
  await seedWelcomeCredits(ids);
  await seedCommissionRates(ids);
}

/** `npm run db:seed` (scripts/db.ts) runs the default export. */
export default seed;
