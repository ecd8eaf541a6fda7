import { readFileSync } from "node:fs";
import path from "node:path";
import type { SessionUser } from "@/server/auth/session-user";
import type { Queryable } from "@/server/db/transaction";
import type { ContentKind } from "@/server/domain/content-rules";
import { addContentFile, createContentItem, setContentStatus } from "@/server/services/content";

/** Test helpers for paid content: real items made through the service, with the seed's real media files. */

const seedAsset = (name: string) => new Uint8Array(readFileSync(path.join(process.cwd(), "prisma", "seed-assets", name)));

export const TEST_VIDEO = seedAsset("luna-loop.webm");
export const TEST_IMAGE = seedAsset("luna-pictures-1.jpg");

/** A published item of `performer`, with its protected file and a teaser image where the kind has files. */
export async function makePublishedItem(
  performer: SessionUser,
  options: { kind?: ContentKind; price?: bigint; title?: string; planId?: string | null; membersOnly?: boolean } = {},
): Promise<{ id: string; protectedFileId: string | null; teaserFileId: string }> {
  const kind = options.kind ?? "VIDEO";
  const { id } = await createContentItem(performer.id, {
    kind,
    title: options.title ?? `Test ${kind.toLowerCase()}`,
    teaser: "A public teaser",
    body: kind === "POST" ? "The protected text" : "",
    price: options.price ?? 100n,
    planId: options.planId ?? null,
    membersOnly: options.membersOnly ?? false,
  });
  const teaser = await addContentFile(performer.id, { itemId: id, role: "TEASER", fileName: "teaser.jpg", declaredType: "image/jpeg", data: TEST_IMAGE });
  let protectedFileId: string | null = null;
  if (kind === "VIDEO" || kind === "PICTURES") {
    const file = kind === "VIDEO"
      ? await addContentFile(performer.id, { itemId: id, role: "PROTECTED", fileName: "clip.webm", declaredType: "video/webm", data: TEST_VIDEO })
      : await addContentFile(performer.id, { itemId: id, role: "PROTECTED", fileName: "one.jpg", declaredType: "image/jpeg", data: TEST_IMAGE });
    protectedFileId = file.id;
  }
  await setContentStatus(performer.id, { itemId: id, status: "PUBLISHED" });
  return { id, protectedFileId, teaserFileId: teaser.id };
}

/** A membership plan row, as the memberships feature would create it. */
export async function insertPlan(db: Queryable, performerId: string | null, name = "Inner Circle"): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO membership_plans (id, performer_id, name, price, period_days, active, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 50, 30, true, now()) RETURNING id`,
    [performerId, name],
  );
  return rows[0]?.id as string;
}

/** A membership row whose period ends `endsInDays` from now (negative: already over). */
export async function insertMembership(db: Queryable, planId: string, memberId: string, endsInDays = 30): Promise<void> {
  await db.query(
    `INSERT INTO memberships (id, plan_id, member_id, status, current_period_start, current_period_end, period_days, updated_at)
     VALUES (gen_random_uuid(), $1, $2, 'ACTIVE', now() - interval '1 day', now() + make_interval(days => $3), 30, now())`,
    [planId, memberId, endsInDays],
  );
}
