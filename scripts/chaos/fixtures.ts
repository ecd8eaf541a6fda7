import { writeFileSync } from "node:fs";
import { seed } from "@/prisma/seed";
import { pool } from "@/server/db/client";
import { adjustmentLegs } from "@/server/domain/ledger";
import { post } from "@/server/ledger/post";
import { createContentItem, setContentStatus } from "@/server/services/content";
import { activePackages } from "@/server/services/purchases";
import { savePayoutProfile } from "@/server/services/payouts";
import { itemOwnerFor, saveItem } from "@/server/services/store";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

/**
 * What the chaos run's app processes act on: the demo data (packages, payout terms, commission rates) plus, per
 * app slot, its own members and one performer with an online room and earnings to withdraw, so that shows and
 * withdrawals of one slot never wait on another's; tips, transfers, unlocks and store orders cross slots.
 */

export interface SlotFixtures {
  members: string[];
  performer: string;
}

export interface Fixtures {
  adminId: string;
  slots: SlotFixtures[];
  performers: string[];
  /** Member id -> username, for transfers (the recipient is named by username). */
  usernames: Record<string, string>;
  contentItems: Array<{ id: string; price: string }>;
  storeItem: { id: string; price: string };
  packageIds: string[];
}

const MEMBER_CREDITS = 1_000_000_000n;
const PERFORMER_EARNINGS = 1_000_000_000n;

async function grant(userId: string, credits: bigint): Promise<void> {
  await post(pool, {
    kind: "ADJUSTMENT",
    idempotencyKey: `chaos:funding:${userId}`,
    actorId: null,
    description: "Adjustment: chaos run funding",
    legs: adjustmentLegs(userId, "available", credits),
  });
}

async function chaosPerformer(admin: Awaited<ReturnType<typeof makeAdmin>>, label: string): Promise<string> {
  const performer = await makePerformer(admin, `Chaos ${label}`);
  await pool.query(
    `INSERT INTO rooms (performer_id, online, online_since) VALUES ($1, true, now())
     ON CONFLICT (performer_id) DO UPDATE SET online = true, online_since = now()`,
    [performer.id],
  );
  await savePayoutProfile(performer.id, {
    method: "PAYPAL",
    currency: "USD",
    details: { legal_name: "Chaos Performer", country: "US", tax_id: "98-7654321", paypal_email: "chaos@example.com" },
  });
  await pool.query("UPDATE payout_profiles SET method_changed_at = now() - interval '400 days' WHERE performer_id = $1", [performer.id]);
  await grant(performer.id, PERFORMER_EARNINGS);
  return performer.id;
}

export async function seedChaosFixtures(options: { slots: number; membersPerSlot: number; contentItems: number; file: string }): Promise<Fixtures> {
  await seed();
  const admin = await makeAdmin();
  const usernames: Record<string, string> = {};
  const slots: SlotFixtures[] = [];
  for (let slot = 0; slot < options.slots; slot += 1) {
    const members: string[] = [];
    for (let index = 0; index < options.membersPerSlot; index += 1) {
      const member = await makeMember(`chaos${slot}`);
      await grant(member.id, MEMBER_CREDITS);
      usernames[member.id] = member.username;
      members.push(member.id);
    }
    slots.push({ members, performer: await chaosPerformer(admin, `slot ${slot}`) });
  }
  const performers = slots.map((slot) => slot.performer);

  const contentItems: Fixtures["contentItems"] = [];
  for (let index = 0; index < options.contentItems; index += 1) {
    const performerId = performers[index % performers.length]!;
    const price = BigInt(10 + (index % 7) * 5);
    const { id } = await createContentItem(performerId, {
      kind: "POST",
      title: `Chaos post ${index}`,
      teaser: "A post",
      body: "The protected text",
      price,
      planId: null,
      membersOnly: false,
    });
    await setContentStatus(performerId, { itemId: id, status: "PUBLISHED" });
    contentItems.push({ id, price: price.toString() });
  }

  const item = await saveItem(itemOwnerFor({ id: performers[0]!, role: "PERFORMER" }), {
    kind: "PHYSICAL",
    title: "Chaos mug",
    description: "Sold many times over",
    price: 400n,
    stock: null,
    active: true,
  });
  const packageIds = (await activePackages()).map((pack) => pack.id);

  const fixtures: Fixtures = {
    adminId: admin.id,
    slots,
    performers,
    usernames,
    contentItems,
    storeItem: { id: item.id, price: item.price.toString() },
    packageIds,
  };
  writeFileSync(options.file, JSON.stringify(fixtures));
  return fixtures;
}

