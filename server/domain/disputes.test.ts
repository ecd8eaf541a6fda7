import { describe, expect, it } from "vitest";
import { type DisputedSale, planDisputeLoss } from "./disputes";

/** A 100-credit sale by performer `p`, 70% to them, paid from the wallet, its share still pending. */
function sale(id: number, change: Partial<DisputedSale> = {}): DisputedSale {
  return { saleId: BigInt(id), performerId: "p", amount: 100n, performerShare: 70n, takeable: 100n, lot: { id: BigInt(id * 10), remaining: 70n }, ...change };
}

type Row = [
  string,
  { disputed: bigint; available: bigint; sales: DisputedSale[] },
  { fromBuyer: bigint; debt: bigint; pending: [number, bigint][]; commission: bigint; matured: bigint },
];

describe("planDisputeLoss", () => {
  it.each<Row>([
    ["the buyer still holds it all", { disputed: 500n, available: 800n, sales: [sale(1)] }, { fromBuyer: 500n, debt: 0n, pending: [], commission: 0n, matured: 0n }],
    ["nothing disputed", { disputed: 0n, available: 0n, sales: [sale(1)] }, { fromBuyer: 0n, debt: 0n, pending: [], commission: 0n, matured: 0n }],
    [
      "spent on one sale still in the hold: the performer gives back their share, the platform its commission",
      { disputed: 100n, available: 0n, sales: [sale(1)] },
      { fromBuyer: 0n, debt: 0n, pending: [[1, 70n]], commission: 30n, matured: 0n },
    ],
    [
      "partly held, partly spent",
      { disputed: 150n, available: 50n, sales: [sale(1)] },
      { fromBuyer: 50n, debt: 0n, pending: [[1, 70n]], commission: 30n, matured: 0n },
    ],
    [
      "part of a sale: its share in proportion, rounded down for the performer",
      { disputed: 33n, available: 0n, sales: [sale(1)] },
      { fromBuyer: 0n, debt: 0n, pending: [[1, 23n]], commission: 10n, matured: 0n },
    ],
    [
      "oldest sale first, then the next",
      { disputed: 150n, available: 0n, sales: [sale(1), sale(2)] },
      { fromBuyer: 0n, debt: 0n, pending: [[1, 70n], [2, 35n]], commission: 45n, matured: 0n },
    ],
    [
      "a share already matured is borne by the platform",
      { disputed: 100n, available: 0n, sales: [sale(1, { lot: { id: 10n, remaining: 0n } })] },
      { fromBuyer: 0n, debt: 0n, pending: [], commission: 30n, matured: 70n },
    ],
    [
      "a lot partly gone (an earlier refund took from it): the rest of the share is borne by the platform",
      { disputed: 100n, available: 0n, sales: [sale(1, { lot: { id: 10n, remaining: 20n } })] },
      { fromBuyer: 0n, debt: 0n, pending: [[1, 20n]], commission: 30n, matured: 50n },
    ],
    [
      "a site sale: all of it was revenue",
      { disputed: 100n, available: 0n, sales: [sale(1, { performerId: null, performerShare: 0n, lot: null })] },
      { fromBuyer: 0n, debt: 0n, pending: [], commission: 100n, matured: 0n },
    ],
    [
      "only the wallet-paid, not yet taken part of a sale counts",
      { disputed: 100n, available: 0n, sales: [sale(1, { takeable: 40n })] },
      { fromBuyer: 0n, debt: 60n, pending: [[1, 28n]], commission: 12n, matured: 0n },
    ],
    [
      "what no sale accounts for stays as buyer debt",
      { disputed: 300n, available: 20n, sales: [sale(1)] },
      { fromBuyer: 20n, debt: 180n, pending: [[1, 70n]], commission: 30n, matured: 0n },
    ],
    [
      "a negative balance holds nothing",
      { disputed: 100n, available: -40n, sales: [] },
      { fromBuyer: 0n, debt: 100n, pending: [], commission: 0n, matured: 0n },
    ],
    [
      "a performer's share of zero (a 0% rate)",
      { disputed: 100n, available: 0n, sales: [sale(1, { performerShare: 0n, lot: null })] },
      { fromBuyer: 0n, debt: 0n, pending: [], commission: 100n, matured: 0n },
    ],
  ])("%s", (_case, input, expected) => {
    const plan = planDisputeLoss({ disputedCredits: input.disputed, buyerAvailable: input.available, sales: input.sales });
    expect({
      fromBuyer: plan.fromBuyer,
      debt: plan.buyerDebt,
      pending: plan.sales.filter((part) => part.fromPending > 0n).map((part) => [Number(part.saleId), part.fromPending]),
      commission: plan.platformCommission,
      matured: plan.platformMatured,
    }).toEqual(expected);
    const accounted = plan.fromBuyer + plan.buyerDebt + plan.sales.reduce((sum, part) => sum + part.taken, 0n);
    expect(accounted).toBe(input.disputed);
    for (const part of plan.sales) expect(part.fromPending + part.platformCommission + part.platformMatured).toBe(part.taken);
  });

  it("adds up each performer's share across their sales", () => {
    const plan = planDisputeLoss({
      disputedCredits: 300n,
      buyerAvailable: 0n,
      sales: [sale(1), sale(2, { performerId: "q" }), sale(3)],
    });
    expect([...plan.fromPerformers]).toEqual([
      ["p", 140n],
      ["q", 70n],
    ]);
  });

  it("refuses a negative disputed amount", () => {
    expect(() => planDisputeLoss({ disputedCredits: -1n, buyerAvailable: 0n, sales: [] })).toThrow("cannot be negative");
  });
});
