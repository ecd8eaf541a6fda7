import { describe, expect, it } from "vitest";
import type { AccountType, TransactionKind } from "@/server/generated/prisma/enums";
import { type GroupablePosting, type HistoryPart, OWN_MOVE_COUNTERPARTY, historyGroupKey, summarizeHistoryGroup } from "./history";

const ORDER = "11111111-1111-4111-8111-111111111111";
const SHOW = "22222222-2222-4222-8222-222222222222";
const PERFORMER = "33333333-3333-4333-8333-333333333333";
const WITHDRAWAL = "44444444-4444-4444-8444-444444444444";

function posting(kind: TransactionKind, idempotencyKey: string, extra: Partial<GroupablePosting> = {}): GroupablePosting {
  return { id: 7n, kind, idempotencyKey, metadata: {}, ...extra };
}

describe("historyGroupKey", () => {
  it.each<[string, GroupablePosting, GroupablePosting | null, string]>([
    ["a store order's hold", posting("STORE_HOLD", `store-order:${ORDER}:hold`), null, `store-order:${ORDER}`],
    ["a store order's sale", posting("STORE_SALE", `store-order:${ORDER}:sale`), null, `store-order:${ORDER}`],
    ["a store order's release", posting("REVERSAL", `store-order:${ORDER}:release`, { id: 9n }), posting("STORE_HOLD", `store-order:${ORDER}:hold`), `store-order:${ORDER}`],
    ["a store order's refund", posting("SALE_REFUND", `store-order:${ORDER}:refund`), null, `store-order:${ORDER}`],
    ["a card purchase", posting("PURCHASE", "purchase:p1:credit"), null, "purchase:p1"],
    ["a refund of a card purchase", posting("PURCHASE_REFUND", "purchase:p1:refund-to:500"), null, "purchase:p1"],
    ["a dispute hold on a purchase", posting("DISPUTE_HOLD", "purchase:p1:dispute:dp_1:hold"), null, "purchase:p1"],
    ["a card tab's funding", posting("TAB_FUNDING", "tab:t1:funding"), null, "tab:t1"],
    ["a card tab's unused limit released", posting("TAB_RELEASE", "tab:t1:release"), null, "tab:t1"],
    ["a card tab's capture", posting("TAB_CAPTURE", "tab:t1:capture:2"), null, "tab:t1"],
    ["a show hold", posting("SHOW_HOLD", "show-hold:part1", { metadata: { showId: SHOW } }), null, `show:${SHOW}`],
    ["a partial show charge", posting("SHOW_CHARGE", "show-charge:part1:60", { metadata: { showId: SHOW } }), null, `show:${SHOW}`],
    ["a show's unused hold returned", posting("SHOW_HOLD", "show-release:part1", { metadata: { showId: SHOW } }), null, `show:${SHOW}`],
    [
      "a withdrawal hold, by the withdrawal its request made",
      posting("WITHDRAWAL_HOLD", `withdrawal:${PERFORMER}:client-key:hold`, { withdrawalId: WITHDRAWAL }),
      null,
      `withdrawal:${WITHDRAWAL}`,
    ],
    ["a withdrawal hold whose withdrawal is not found", posting("WITHDRAWAL_HOLD", `withdrawal:${PERFORMER}:client-key:hold`), null, "withdrawal:transaction-7"],
    ["a withdrawal paid", posting("WITHDRAWAL_PAID", `withdrawal:${WITHDRAWAL}:paid`), null, `withdrawal:${WITHDRAWAL}`],
    ["a withdrawal released", posting("REVERSAL", `withdrawal:${WITHDRAWAL}:release`), null, `withdrawal:${WITHDRAWAL}`],
    ["a paid withdrawal returned", posting("REVERSAL", `withdrawal:${WITHDRAWAL}:paid:reversal`), null, `withdrawal:${WITHDRAWAL}`],
    ["a tip, on its own", posting("TIP", "tip:m1:k1"), null, "transaction:7"],
    ["a show charge without a show id, on its own", posting("SHOW_CHARGE", "show-charge:part1:60"), null, "transaction:7"],
    ["an admin reversal of a tip, with the tip", posting("REVERSAL", "adjustment:a:k", { id: 8n }), posting("TIP", "tip:m1:k1", { id: 3n }), "transaction:3"],
    [
      "a reversal of a show charge, with the show",
      posting("REVERSAL", "reversal:x", { id: 8n }),
      posting("SHOW_CHARGE", "show-charge:part1:60", { metadata: { showId: SHOW } }),
      `show:${SHOW}`,
    ],
  ])("%s", (_name, tx, reverses, expected) => {
    expect(historyGroupKey(tx, reverses)).toBe(expected);
  });
});

let nextEntry = 1n;
function part(kind: TransactionKind, account: AccountType, amount: bigint, description = `${kind} posting`, counterparty = OWN_MOVE_COUNTERPARTY): HistoryPart {
  const entryId = nextEntry++;
  return { entryId, transactionId: entryId, kind, account, amount, description, counterparty, createdAt: new Date(Number(entryId) * 1000) };
}

describe("summarizeHistoryGroup", () => {
  it.each<[string, HistoryPart[], Partial<ReturnType<typeof summarizeHistoryGroup>>]>([
    [
      "a wallet-and-card order waiting for its card: on hold, nothing spent yet",
      [part("STORE_HOLD", "AVAILABLE", -60n, "Held for card checkout: Photo"), part("STORE_HOLD", "HELD", 60n)],
      { kind: "STORE_HOLD", description: "Held for card checkout: Photo", counterparty: "Your wallet", amount: 0n, held: 60n, state: "on_hold" },
    ],
    [
      "a wallet-and-card order paid: the sale names it and the wallet part is spent",
      [
        part("STORE_HOLD", "AVAILABLE", -60n, "Held for card checkout: Photo"),
        part("STORE_HOLD", "HELD", 60n),
        part("STORE_SALE", "HELD", -60n, "Store: Photo", "Luna Vale"),
      ],
      { kind: "STORE_SALE", description: "Store: Photo", counterparty: "Luna Vale", amount: -60n, held: 0n, state: null },
    ],
    [
      "a wallet-and-card order whose checkout expired: released",
      [part("STORE_HOLD", "AVAILABLE", -60n), part("STORE_HOLD", "HELD", 60n), part("REVERSAL", "AVAILABLE", 60n), part("REVERSAL", "HELD", -60n)],
      { kind: "STORE_HOLD", amount: 0n, held: 0n, state: "released" },
    ],
    [
      "a store order refunded",
      [part("STORE_SALE", "AVAILABLE", -150n, "Store: T-shirt"), part("SALE_REFUND", "AVAILABLE", 150n)],
      { kind: "STORE_SALE", amount: 0n, state: "refunded" },
    ],
    [
      "a running show: charged so far, the rest of the hold still held",
      [
        part("SHOW_HOLD", "AVAILABLE", -60n),
        part("SHOW_HOLD", "HELD", 60n),
        part("SHOW_CHARGE", "HELD", -30n, "Private show with Luna Vale", "Luna Vale"),
      ],
      { kind: "SHOW_CHARGE", description: "Private show with Luna Vale", amount: -30n, held: 30n, state: "on_hold" },
    ],
    [
      "an ended show: charged from the hold, the unused rest returned",
      [
        part("SHOW_HOLD", "AVAILABLE", -60n),
        part("SHOW_HOLD", "HELD", 60n),
        part("SHOW_CHARGE", "HELD", -30n, "Private show with Luna Vale", "Luna Vale"),
        part("SHOW_HOLD", "AVAILABLE", 30n),
        part("SHOW_HOLD", "HELD", -30n),
      ],
      { kind: "SHOW_CHARGE", amount: -30n, held: 0n, state: null },
    ],
    [
      "a long show: charges from the hold, then from available",
      [
        part("SHOW_HOLD", "AVAILABLE", -60n),
        part("SHOW_HOLD", "HELD", 60n),
        part("SHOW_CHARGE", "HELD", -60n, "Private show with Luna Vale", "Luna Vale"),
        part("SHOW_CHARGE", "AVAILABLE", -30n, "Private show with Luna Vale", "Luna Vale"),
      ],
      { kind: "SHOW_CHARGE", amount: -90n, held: 0n, state: null },
    ],
    [
      "a show ended before any charge: released",
      [part("SHOW_HOLD", "AVAILABLE", -60n), part("SHOW_HOLD", "HELD", 60n), part("SHOW_HOLD", "AVAILABLE", 60n), part("SHOW_HOLD", "HELD", -60n)],
      { kind: "SHOW_HOLD", amount: 0n, state: "released" },
    ],
    [
      "a group show on the performer's side: earnings from several members, pending",
      [
        part("SHOW_CHARGE", "PENDING", 24n, "Group show with Luna Vale", "Mia Member"),
        part("SHOW_CHARGE", "PENDING", 24n, "Group show with Luna Vale", "Max Member"),
        part("SHOW_CHARGE", "PENDING", 24n, "Group show with Luna Vale", "Mia Member"),
      ],
      { kind: "SHOW_CHARGE", counterparty: "2 people", amount: 72n, account: "PENDING", state: null },
    ],
    [
      "a withdrawal under review: on hold",
      [part("WITHDRAWAL_HOLD", "AVAILABLE", -500n, "Withdrawal of 500 credits requested"), part("WITHDRAWAL_HOLD", "HELD", 500n)],
      { kind: "WITHDRAWAL_HOLD", amount: 0n, held: 500n, state: "on_hold" },
    ],
    [
      "a withdrawal paid",
      [part("WITHDRAWAL_HOLD", "AVAILABLE", -500n), part("WITHDRAWAL_HOLD", "HELD", 500n), part("WITHDRAWAL_PAID", "HELD", -500n, "Withdrawal of 500 credits paid", "Payout")],
      { kind: "WITHDRAWAL_PAID", description: "Withdrawal of 500 credits paid", counterparty: "Payout", amount: -500n, held: 0n, state: null },
    ],
    [
      "earnings matured: what arrived in available",
      [part("EARNINGS_MATURED", "PENDING", -90n), part("EARNINGS_MATURED", "AVAILABLE", 90n)],
      { kind: "EARNINGS_MATURED", amount: 90n, account: null, state: null },
    ],
    [
      "a card purchase refunded in full",
      [part("PURCHASE", "AVAILABLE", 100n, "Bought 100 credits", "Card payment"), part("PURCHASE_REFUND", "AVAILABLE", -100n)],
      { kind: "PURCHASE", counterparty: "Card payment", amount: 0n, state: "refunded" },
    ],
    [
      "a tip reversed by an admin",
      [part("TIP", "AVAILABLE", -10n, "Tip to Luna Vale", "Luna Vale"), part("REVERSAL", "AVAILABLE", 10n, "Reversal", "Luna Vale")],
      { kind: "TIP", counterparty: "Luna Vale", amount: 0n, state: "reversed" },
    ],
    [
      "a show ended before any charge: with the member's own wallet only",
      [part("SHOW_HOLD", "AVAILABLE", -60n), part("SHOW_HOLD", "HELD", 60n), part("SHOW_HOLD", "HELD", -60n), part("SHOW_HOLD", "AVAILABLE", 60n)],
      { counterparty: "Your wallet" },
    ],
    [
      "a single tip",
      [part("TIP", "AVAILABLE", -10n, "Tip to Luna Vale", "Luna Vale")],
      { kind: "TIP", description: "Tip to Luna Vale", counterparty: "Luna Vale", amount: -10n, held: 0n, account: null, state: null },
    ],
  ])("%s", (_name, parts, expected) => {
    expect(summarizeHistoryGroup(parts)).toMatchObject(expected);
  });

  it("starts when its first part was posted", () => {
    const parts = [part("SHOW_HOLD", "AVAILABLE", -60n), part("SHOW_CHARGE", "HELD", -60n)];
    expect(summarizeHistoryGroup(parts).startedAt).toEqual(parts[0]?.createdAt);
  });

  it("refuses a line without parts", () => {
    expect(() => summarizeHistoryGroup([])).toThrow(RangeError);
  });
});
