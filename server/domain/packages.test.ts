import { describe, expect, it } from "vitest";
import { groupByCurrency, packageInputSchema, packagePriceProblem, updatePackageSchema } from "./packages";

const valid = { name: "Euro Starter", credits: 100n, bonusCredits: 0n, priceMinor: 949n, currency: "eur", active: true, sortOrder: 1 };

describe("packageInputSchema", () => {
  it.each(["usd", "eur"])("takes a package priced in %s", (currency) => {
    expect(packageInputSchema.parse({ ...valid, currency })).toEqual({ ...valid, currency });
  });

  it.each([
    ["a currency Checkout isn't set up for", { currency: "gbp" }, ["currency", "Packages can be priced in USD or EUR only."]],
    ["an upper-case code", { currency: "EUR" }, ["currency", "Packages can be priced in USD or EUR only."]],
    ["no currency", { currency: undefined }, ["currency", "Packages can be priced in USD or EUR only."]],
    ["a euro price under the minimum", { priceMinor: 49n }, ["priceMinor", "The price must be between €0.50 and €100,000.00."]],
    ["a dollar price over the maximum", { priceMinor: 100_000_01n, currency: "usd" }, ["priceMinor", "The price must be between $0.50 and $100,000.00."]],
  ])("refuses %s, naming the field", (_name, change, [path, message]) => {
    const result = packageInputSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([[path, message]]);
  });

  it("checks an edit the same way", () => {
    const id = "7d8f3a4e-2b1c-4d5e-8f90-1a2b3c4d5e6f";
    expect(updatePackageSchema.safeParse({ ...valid, id }).success).toBe(true);
    expect(updatePackageSchema.safeParse({ ...valid, id, currency: "jpy" }).error?.issues[0]?.message).toBe("Packages can be priced in USD or EUR only.");
  });
});

describe("packagePriceProblem", () => {
  it.each([
    [50n, "usd", null],
    [100_000_00n, "eur", null],
    [49n, "usd", "The price must be between $0.50 and $100,000.00."],
    [0n, "eur", "The price must be between €0.50 and €100,000.00."],
  ] as const)("%s %s -> %s", (priceMinor, currency, problem) => {
    expect(packagePriceProblem(priceMinor, currency)).toBe(problem);
  });
});

describe("groupByCurrency", () => {
  it("keeps each currency's packages together, in the order they came, first currency first", () => {
    const packs = [
      { name: "Starter", currency: "usd" },
      { name: "Euro Starter", currency: "eur" },
      { name: "Fan", currency: "usd" },
      { name: "Euro Fan", currency: "eur" },
    ];
    expect(groupByCurrency(packs)).toEqual([
      { currency: "usd", packages: [packs[0], packs[2]] },
      { currency: "eur", packages: [packs[1], packs[3]] },
    ]);
  });

  it("has no groups for no packages", () => {
    expect(groupByCurrency([])).toEqual([]);
  });
});
