import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool, prisma } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { createPackage } from "@/server/services/purchases/packages";
import { makeAdmin } from "@/server/testing/users";
import { recordAudit, recordAuditWithPrisma } from "./record";

vi.mock("@/server/integrations/email", () => ({ sendEmail: async () => undefined }));

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
});

afterAll(async () => {
  await closeDb();
});

async function rowsFor(targetId: string) {
  const { rows } = await pool.query("SELECT actor_id, action, target_type, target_id, details FROM audit_log WHERE target_id = $1 ORDER BY id", [targetId]);
  return rows;
}

describe("recordAudit", () => {
  it("writes one row with bigints as exact decimal strings and returns its id", async () => {
    const id = await recordAudit(pool, {
      actorId: admin.id,
      action: "setting.set",
      target: { type: "setting", id: "audit-probe-1" },
      details: { amount: 9_007_199_254_740_993n, nested: { price: 12n } },
    });
    expect(id).toBeGreaterThan(0n);
    expect(await rowsFor("audit-probe-1")).toEqual([
      {
        actor_id: admin.id,
        action: "setting.set",
        target_type: "setting",
        target_id: "audit-probe-1",
        details: { amount: "9007199254740993", nested: { price: "12" } },
      },
    ]);
  });

  it("is part of the caller's transaction, pg or Prisma: a rolled-back change leaves no audit row", async () => {
    const failure = new Error("the change failed after its audit row");
    await expect(
      withTransaction(pool, async (db) => {
        await recordAudit(db, { actorId: admin.id, action: "setting.set", target: { type: "setting", id: "audit-probe-2" } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(
      prisma.$transaction(async (tx) => {
        await recordAuditWithPrisma(tx, { actorId: admin.id, action: "setting.set", target: { type: "setting", id: "audit-probe-2" } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await rowsFor("audit-probe-2")).toEqual([]);
  });

  it("a package and its audit row are written together", async () => {
    const created = await createPackage(admin.id, {
      name: "Audit probe",
      credits: 100n,
      bonusCredits: 0n,
      priceMinor: 199n,
      currency: "usd",
      active: false,
      sortOrder: 99,
    });
    expect(await rowsFor(created.id)).toEqual([
      expect.objectContaining({ actor_id: admin.id, action: "package.create", target_type: "credit_package", details: expect.objectContaining({ credits: "100" }) }),
    ]);
  });
});
