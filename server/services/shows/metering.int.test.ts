import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { type MeterTerms, affordableSeconds, chargeFor } from "@/server/domain/metering";

afterAll(async () => {
  await closeDb();
});

const terms = fc.record({
  pricePerMinute: fc.bigInt({ min: 1n, max: 1_000n }),
  freeSeconds: fc.integer({ min: 0, max: 3_600 }),
  minimumMinutes: fc.integer({ min: 0, max: 60 }),
  incrementSeconds: fc.integer({ min: 1, max: 600 }),
});

interface Case {
  terms: MeterTerms;
  seconds: number;
  budget: bigint;
}

/** The engine's SQL and the domain's TypeScript must price every meter the same. */
it("show_charge_for and show_affordable_seconds agree with the domain's pricing", async () => {
  const cases: Case[] = fc.sample(
    fc.record({
      terms,
      seconds: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2_147_483_647 })),
      budget: fc.oneof(fc.bigInt({ min: 0n, max: 50_000n }), fc.bigInt({ min: 0n, max: 10n ** 15n })),
    }),
    2_000,
  );
  const { rows } = await pool.query<{ charge: string; affordable: string }>(
    `SELECT show_charge_for(c.seconds, c.price, c.free, c.minimum, c.increment) AS charge,
            show_affordable_seconds(c.budget, c.price, c.free, c.minimum, c.increment) AS affordable
       FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::bigint[]) WITH ORDINALITY
            AS c(seconds, price, free, minimum, increment, budget, n)
      ORDER BY c.n`,
    [
      cases.map((c) => c.seconds),
      cases.map((c) => c.terms.pricePerMinute.toString()),
      cases.map((c) => c.terms.freeSeconds),
      cases.map((c) => c.terms.minimumMinutes),
      cases.map((c) => c.terms.incrementSeconds),
      cases.map((c) => c.budget.toString()),
    ],
  );
  const mismatches = cases.flatMap((c, index) => {
    const row = rows[index];
    const expected = { charge: chargeFor(c.seconds, c.terms), affordable: affordableSeconds(c.budget, c.terms) };
    const actual = { charge: BigInt(row?.charge ?? "-1"), affordable: Number(row?.affordable ?? "-1") };
    return actual.charge === expected.charge && actual.affordable === expected.affordable ? [] : [{ c, expected, actual }];
  });
  expect(mismatches).toEqual([]);
});
