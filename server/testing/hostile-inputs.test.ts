import fc from "fast-check";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { HUGE_STRINGS, type FuzzContext, inputShapedLike } from "./hostile-inputs";

const context: FuzzContext = { knownIds: ["6f1c1f43-5b3e-4c4e-9d9e-0b1f1e0c2a11"], knownStrings: ["luna"] };

/** A schema using every zod type the app's procedures take, for the generator to walk. */
const schema = z.object({
  id: z.uuid(),
  name: z.string().trim().min(2).max(20),
  email: z.email().optional(),
  day: z.iso.date().optional(),
  amount: z.bigint().positive().max(1000n),
  count: z.number().int().min(1).max(100).default(10),
  kind: z.enum(["A", "B"]),
  literal: z.literal("x"),
  when: z.date().nullable(),
  flag: z.boolean(),
  tags: z.array(z.string().max(5)).max(3),
  limits: z.record(z.string(), z.number().int().min(0).max(9)),
  choice: z.discriminatedUnion("key", [z.object({ key: z.literal("a"), a: z.number().int().min(0).max(5) }), z.object({ key: z.literal("b") })]),
  code: z.string().regex(/^[A-Z]{3}$/).transform((value) => value.toLowerCase()),
});

describe("inputShapedLike", () => {
  it("without hostility, mostly builds inputs the schema accepts", () => {
    const samples = fc.sample(inputShapedLike(schema, context, 0), { seed: 1, numRuns: 200 });
    const accepted = samples.filter((sample) => schema.safeParse(sample).success).length;
    // Strings are drawn unconstrained by trim and awkward on purpose, so not all pass; most must.
    expect(accepted).toBeGreaterThan(100);
  });

  it("with hostility, builds inputs the schema refuses", () => {
    const samples = fc.sample(inputShapedLike(schema, context, 0.25), { seed: 1, numRuns: 200 });
    expect(samples.filter((sample) => !schema.safeParse(sample).success).length).toBeGreaterThan(150);
  });

  it("draws huge strings of at least a mebibyte", () => {
    expect(HUGE_STRINGS.every((text) => text.length >= 1024 * 1024 || new TextEncoder().encode(text).length >= 1024 * 1024)).toBe(true);
  });

  it("refuses to guess at a zod type it does not know", () => {
    expect(() => inputShapedLike(z.object({ callback: z.function() }), context, 0)).toThrow(/no generator for zod type "function" at callback/);
  });
});
