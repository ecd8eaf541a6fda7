import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { SETTINGS, getSetting } from "@/server/services/settings";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { callerAs, trpcCodeOf } from "@/server/testing/api";

/** The admin settings procedures: every setting readable and settable, bad values refused whole, admins only. */
let admin: SessionUser;
let member: SessionUser;
let performer: SessionUser;

type SetInput = Parameters<ReturnType<typeof callerAs>["settings"]["set"]>[0];

async function writes(): Promise<{ settings: number; audits: number }> {
  const { rows } = await pool.query<{ settings: number; audits: number }>(
    `SELECT (SELECT count(*)::int FROM platform_settings) AS settings,
            (SELECT count(*)::int FROM audit_log WHERE action = 'setting.set') AS audits`,
  );
  return rows[0] as { settings: number; audits: number };
}

const showsDefaults = SETTINGS.shows.default;

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember();
  performer = await makePerformer(admin);
});

afterAll(async () => {
  await closeDb();
});

describe("settings", () => {
  it("get returns every setting, with its default before an admin sets it", async () => {
    const all = await callerAs(admin).settings.get();
    expect(Object.keys(all).sort()).toEqual(Object.keys(SETTINGS).sort());
    expect(all.earningsHold).toEqual({ defaultDays: 7, byKind: {} });
    expect(all.payouts).toEqual({ methodLockDays: 7, autoApproveBelowCredits: null });
    expect(all.shows.settleThreshold).toBe(1n);
  });

  it("set accepts every setting back as it is (each key is settable)", async () => {
    const all = await callerAs(admin).settings.get();
    for (const key of Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]) {
      expect(await callerAs(admin).settings.set({ key, value: all[key] } as SetInput)).toEqual(all[key]);
    }
  });

  it("set stores the value, audits before and after, and later reads see it", async () => {
    const before = await writes();
    const saved = await callerAs(admin).settings.set({ key: "transfers", value: { enabled: false, dailyLimit: 2_500n, feeBps: 150, minFee: 2n } });
    expect(saved).toEqual({ enabled: false, dailyLimit: 2_500n, feeBps: 150, minFee: 2n });
    expect(await getSetting(pool, "transfers")).toEqual(saved);
    expect((await callerAs(admin).settings.get()).transfers).toEqual(saved);
    const { rows } = await pool.query("SELECT actor_id, target_id, details FROM audit_log WHERE action = 'setting.set' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toEqual({
      actor_id: admin.id,
      target_id: "transfers",
      details: { before: { enabled: true, dailyLimit: "5000", feeBps: 0, minFee: "0" }, after: { enabled: false, dailyLimit: "2500", feeBps: 150, minFee: "2" } },
    });
    expect((await writes()).audits).toBe(before.audits + 1);

    await callerAs(admin).settings.set({ key: "payouts", value: { methodLockDays: 3, autoApproveBelowCredits: 200n } });
    expect(await getSetting(pool, "payouts")).toEqual({ methodLockDays: 3, autoApproveBelowCredits: 200n });
    await callerAs(admin).settings.set({ key: "earningsHold", value: { defaultDays: 10, byKind: { TIP: 2 } } });
    expect(await getSetting(pool, "earningsHold")).toEqual({ defaultDays: 10, byKind: { TIP: 2 } });
  });

  it.each([
    ["negative hold days", { key: "earningsHold", value: { defaultDays: -1, byKind: {} } }, "defaultDays", "Days cannot be negative."],
    ["a fractional override", { key: "earningsHold", value: { defaultDays: 7, byKind: { TIP: 1.5 } } }, "TIP", "Enter a whole number of days."],
    ["an unknown kind of sale", { key: "earningsHold", value: { defaultDays: 7, byKind: { RAFFLE: 1 } } }, null, null],
    ["a fee above 100%", { key: "transfers", value: { enabled: true, dailyLimit: 10n, feeBps: 10_001, minFee: 0n } }, "feeBps", "A rate cannot be above 100%."],
    ["a negative daily limit", { key: "transfers", value: { enabled: true, dailyLimit: -1n, feeBps: 0, minFee: 0n } }, "dailyLimit", "Credits cannot be negative."],
    ["a free credit", { key: "store", value: { maxWalletShareBps: 5_000, creditPriceMinor: 0n, currency: "usd" } }, "creditPriceMinor", null],
    ["a lowest price above the highest", { key: "shows", value: { ...showsDefaults, minPricePerMinute: 600n } }, "maxPricePerMinute", "The highest price per minute cannot be below the lowest."],
    [
      "a default price outside the bounds",
      { key: "shows", value: { ...showsDefaults, defaultGroupPricePerMinute: 1n } },
      "defaultGroupPricePerMinute",
      "The default group show price must lie between the lowest and highest price.",
    ],
    ["a zero increment", { key: "shows", value: { ...showsDefaults, incrementSeconds: 0 } }, "incrementSeconds", null],
    ["a negative auto-approve threshold", { key: "payouts", value: { methodLockDays: 7, autoApproveBelowCredits: -5n } }, "autoApproveBelowCredits", "Credits cannot be negative."],
    ["a missing field", { key: "memberships", value: {} }, "graceDays", "Enter a whole number of days."],
    ["an unknown setting", { key: "lottery", value: { odds: 1 } }, null, null],
  ])("refuses %s and writes nothing", async (_case, input, field, message) => {
    const before = await writes();
    let caught: unknown;
    try {
      await callerAs(admin).settings.set(input as SetInput);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TRPCError);
    expect((caught as TRPCError).code).toBe("BAD_REQUEST");
    if (field) {
      // What the error formatter sends the form: the input's issues, keyed by field name.
      const cause = (caught as TRPCError).cause;
      expect(cause).toBeInstanceOf(ZodError);
      const fieldErrors = fieldErrorsFromIssues((cause as ZodError).issues);
      expect(Object.keys(fieldErrors)).toContain(field);
      if (message) expect(fieldErrors[field]).toContain(message);
    }
    expect(await writes()).toEqual(before);
  });

  it("only an admin may read or change settings", async () => {
    const set = (user: SessionUser | null) => () => callerAs(user).settings.set({ key: "memberships", value: { graceDays: 1 } });
    const get = (user: SessionUser | null) => () => callerAs(user).settings.get();
    const before = await writes();
    expect({
      anonymousGet: await trpcCodeOf(get(null)),
      memberGet: await trpcCodeOf(get(member)),
      performerGet: await trpcCodeOf(get(performer)),
      anonymousSet: await trpcCodeOf(set(null)),
      memberSet: await trpcCodeOf(set(member)),
      performerSet: await trpcCodeOf(set(performer)),
    }).toEqual({
      anonymousGet: "UNAUTHORIZED",
      memberGet: "FORBIDDEN",
      performerGet: "FORBIDDEN",
      anonymousSet: "UNAUTHORIZED",
      memberSet: "FORBIDDEN",
      performerSet: "FORBIDDEN",
    });
    expect(await writes()).toEqual(before);
    expect(await getSetting(pool, "memberships")).toEqual({ graceDays: 3 });
  });
});
