import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { callerAs, refusalCodeOf } from "@/server/testing/api";
import { makeAdmin } from "@/server/testing/users";

/** The admin's payout settings as stored through Prisma: fields, rates and method terms, each change audited with it. */

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
});

afterAll(async () => {
  await closeDb();
});

async function auditOf(action: string, targetId: string): Promise<unknown[]> {
  const { rows } = await pool.query<{ details: unknown }>("SELECT details FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id", [action, targetId]);
  return rows.map((row) => row.details);
}

describe("payout fields", () => {
  const field = { key: "payout_phone", label: "Payout phone", format: "text" as const, required: true, sensitive: false, methods: ["PAYPAL" as const], sortOrder: 5, active: true };

  it("are created, edited and switched off under a key that never changes, and listed by order then label", async () => {
    const created = await callerAs(admin).payouts.settings.saveField(field);
    expect(created).toMatchObject({ key: "payout_phone", methods: ["PAYPAL"], sortOrder: 5, active: true });
    await callerAs(admin).payouts.settings.saveField({ ...field, key: "a_first", label: "A first", sortOrder: 1, methods: [] });

    expect(await refusalCodeOf(() => callerAs(admin).payouts.settings.saveField(field))).toBe("CONFLICT");
    expect(await refusalCodeOf(() => callerAs(admin).payouts.settings.saveField({ ...field, id: created.id, key: "other_key" }))).toBe("BAD_REQUEST");

    const edited = await callerAs(admin).payouts.settings.saveField({ ...field, id: created.id, label: "Phone", methods: ["PAYPAL", "BANK_TRANSFER", "PAYPAL"], active: false });
    expect(edited).toMatchObject({ id: created.id, key: "payout_phone", label: "Phone", methods: ["PAYPAL", "BANK_TRANSFER"], active: false });

    const { fields } = await callerAs(admin).payouts.settings.get();
    expect(fields.map((candidate) => candidate.key)).toEqual(["a_first", "payout_phone"]);
    expect(await auditOf("payout_field.updated", created.id)).toEqual([expect.objectContaining({ label: "Phone", methods: ["PAYPAL", "BANK_TRANSFER"] })]);
  });
});

describe("payout rates", () => {
  it("are set, changed and removed exactly, the audit recording the rate before and after", async () => {
    await callerAs(admin).payouts.settings.setRate({ currency: "eur", credits: 999_999_999n, amountMinor: 999_999_999_999n });
    const changed = await callerAs(admin).payouts.settings.setRate({ currency: "EUR", credits: 21n, amountMinor: 100n });
    expect(changed).toMatchObject({ currency: "EUR", credits: 21n, amountMinor: 100n });
    expect(changed.updatedAt).toBeInstanceOf(Date);
    expect((await callerAs(admin).payouts.settings.get()).rates).toEqual([expect.objectContaining({ currency: "EUR", credits: 21n, amountMinor: 100n })]);
    expect(await auditOf("payout_rate.set", "EUR")).toEqual([
      { before: null, after: { currency: "EUR", credits: "999999999", amountMinor: "999999999999" } },
      { before: { credits: "999999999", amount_minor: "999999999999" }, after: { currency: "EUR", credits: "21", amountMinor: "100" } },
    ]);

    await callerAs(admin).payouts.settings.removeRate({ currency: "eur" });
    expect((await callerAs(admin).payouts.settings.get()).rates).toEqual([]);
    expect(await auditOf("payout_rate.removed", "EUR")).toEqual([{ before: { credits: "21", amount_minor: "100" } }]);
    expect(await refusalCodeOf(() => callerAs(admin).payouts.settings.removeRate({ currency: "EUR" }))).toBe("NOT_FOUND");
  });
});

describe("payout methods", () => {
  it("are offered with their terms, listed in the methods' order, and withdrawn once", async () => {
    await callerAs(admin).payouts.settings.setMethod({ method: "BANK_TRANSFER", fixedMinor: 100n, percentBps: 0, minCredits: 1_000n, maxCredits: 500_000n });
    await callerAs(admin).payouts.settings.setMethod({ method: "PAYPAL", fixedMinor: 30n, percentBps: 200, minCredits: 200n, maxCredits: 100_000n });
    await callerAs(admin).payouts.settings.setMethod({ method: "PAYPAL", fixedMinor: 35n, percentBps: 250, minCredits: 200n, maxCredits: 1_000_000_000_000n });
    const { methods } = await callerAs(admin).payouts.settings.get();
    expect(methods.map((terms) => terms.method)).toEqual(["PAYPAL", "BANK_TRANSFER"]);
    expect(methods[0]).toMatchObject({ fixedMinor: 35n, percentBps: 250, maxCredits: 1_000_000_000_000n });

    await callerAs(admin).payouts.settings.removeMethod({ method: "BANK_TRANSFER" });
    expect(await refusalCodeOf(() => callerAs(admin).payouts.settings.removeMethod({ method: "BANK_TRANSFER" }))).toBe("NOT_FOUND");
    expect((await callerAs(admin).payouts.settings.get()).methods.map((terms) => terms.method)).toEqual(["PAYPAL"]);
    expect(await auditOf("payout_method.removed", "BANK_TRANSFER")).toEqual([{}]);
  });
});
