import { describe, expect, it } from "vitest";
import type { StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import { DomainError } from "./errors";
import {
  type CardState,
  MAX_OPEN_CARD_ORDERS,
  type OrderActor,
  assertTransition,
  canDownload,
  nextStatuses,
  openCardOrdersRefusal,
  orderActorsFor,
  overdueOrderAction,
  statusAfterPayment,
} from "./store-orders";

const STATUSES: StoreOrderStatus[] = ["AWAITING_PAYMENT", "PAID", "SHIPPED", "DELIVERED", "REFUNDED", "CANCELLED"];
const ACTORS: OrderActor[] = ["BUYER", "SELLER", "ADMIN", "PAYMENT"];
const KINDS: StoreItemKind[] = ["PHYSICAL", "DIGITAL"];

/** Every allowed move, as "from -> to" per kind and actor; anything not listed is refused. */
const ALLOWED: Record<StoreItemKind, Record<OrderActor, string[]>> = {
  PHYSICAL: {
    BUYER: ["AWAITING_PAYMENT -> CANCELLED"],
    SELLER: ["PAID -> SHIPPED", "SHIPPED -> DELIVERED", "PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
    ADMIN: ["PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
    // A card part refunded in full at Stripe (the dashboard) refunds the order.
    PAYMENT: ["AWAITING_PAYMENT -> PAID", "AWAITING_PAYMENT -> CANCELLED", "PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
  },
  DIGITAL: {
    BUYER: ["AWAITING_PAYMENT -> CANCELLED"],
    SELLER: ["PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
    ADMIN: ["PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
    PAYMENT: ["AWAITING_PAYMENT -> DELIVERED", "AWAITING_PAYMENT -> CANCELLED", "PAID -> REFUNDED", "SHIPPED -> REFUNDED", "DELIVERED -> REFUNDED"],
  },
};

const everyMove = KINDS.flatMap((kind) =>
  ACTORS.flatMap((actor) =>
    STATUSES.flatMap((from) =>
      STATUSES.map((to) => ({ kind, actor, from, to, allowed: ALLOWED[kind][actor].includes(`${from} -> ${to}`) })),
    ),
  ),
);

function refusal(call: () => void): string {
  try {
    call();
    return "OK";
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe("order status machine", () => {
  it.each(everyMove)("$kind: $actor moves $from -> $to: $allowed", ({ kind, actor, from, to, allowed }) => {
    const outcome = refusal(() => assertTransition(from, to, kind, [actor]));
    if (allowed) expect(outcome).toBe("OK");
    else expect(["PRECONDITION_FAILED", "FORBIDDEN"]).toContain(outcome);
    expect(nextStatuses(from, kind, [actor]).includes(to)).toBe(allowed);
  });

  it.each([
    ["PAID", "SHIPPED", "BUYER", "FORBIDDEN"],
    ["PAID", "REFUNDED", "BUYER", "FORBIDDEN"],
    ["AWAITING_PAYMENT", "CANCELLED", "SELLER", "FORBIDDEN"],
    ["REFUNDED", "REFUNDED", "SELLER", "PRECONDITION_FAILED"],
    ["CANCELLED", "PAID", "PAYMENT", "PRECONDITION_FAILED"],
    ["DELIVERED", "SHIPPED", "SELLER", "PRECONDITION_FAILED"],
  ] as const)("%s -> %s by %s is %s", (from, to, actor, code) => {
    expect(refusal(() => assertTransition(from, to, "PHYSICAL", [actor]))).toBe(code);
  });

  it("refuses anyone with no part in the order as if it did not exist", () => {
    expect(refusal(() => assertTransition("PAID", "REFUNDED", "PHYSICAL", []))).toBe("NOT_FOUND");
  });

  it("says what is wrong in words", () => {
    expect(() => assertTransition("REFUNDED", "REFUNDED", "PHYSICAL", ["SELLER"])).toThrow("This order is already refunded.");
    expect(() => assertTransition("CANCELLED", "SHIPPED", "PHYSICAL", ["SELLER"])).toThrow(
      "An order that is cancelled cannot be marked shipped.",
    );
  });

  it.each([
    ["PHYSICAL", "PAID"],
    ["DIGITAL", "DELIVERED"],
  ] as const)("a paid %s order becomes %s", (kind, status) => {
    expect(statusAfterPayment(kind)).toBe(status);
  });

  it.each(STATUSES.map((status) => [status, ["PAID", "SHIPPED", "DELIVERED"].includes(status)] as const))(
    "a digital file can be downloaded while %s: %s",
    (status, allowed) => {
      expect(canDownload(status)).toBe(allowed);
    },
  );
});

describe("orderActorsFor", () => {
  const performerOrder = { buyerId: "buyer", sellerId: "performer" };
  const siteOrder = { buyerId: "buyer", sellerId: null };
  it.each([
    ["the buyer", { id: "buyer", role: "MEMBER" }, performerOrder, ["BUYER"]],
    ["the selling performer", { id: "performer", role: "PERFORMER" }, performerOrder, ["SELLER"]],
    ["another performer", { id: "other", role: "PERFORMER" }, performerOrder, []],
    ["another member", { id: "other", role: "MEMBER" }, performerOrder, []],
    ["an admin, on a performer's order", { id: "admin", role: "ADMIN" }, performerOrder, ["ADMIN"]],
    ["an admin, on a site order", { id: "admin", role: "ADMIN" }, siteOrder, ["SELLER"]],
    ["a performer, on a site order", { id: "performer", role: "PERFORMER" }, siteOrder, []],
    ["an admin who bought a site item", { id: "buyer", role: "ADMIN" }, siteOrder, ["BUYER", "SELLER"]],
  ] as const)("%s", (_who, user, order, actors) => {
    expect(orderActorsFor(user, order)).toEqual(actors);
  });
});

describe("openCardOrdersRefusal", () => {
  it.each([
    [0, null],
    [MAX_OPEN_CARD_ORDERS - 1, null],
    [MAX_OPEN_CARD_ORDERS, `You already have ${MAX_OPEN_CARD_ORDERS} orders waiting for a card payment. Pay or cancel one of them first.`],
    [MAX_OPEN_CARD_ORDERS + 2, `You already have ${MAX_OPEN_CARD_ORDERS + 2} orders waiting for a card payment. Pay or cancel one of them first.`],
  ])("with %i open orders: %s", (open, refusal) => {
    expect(openCardOrdersRefusal(open)).toBe(refusal);
  });
});

describe("overdueOrderAction", () => {
  it.each<[CardState, ReturnType<typeof overdueOrderAction>]>([
    ["paid", "complete"],
    ["pending", "wait"],
    ["failed", "release"],
    ["no-session", "release"],
  ])("an overdue order whose card is %s: %s", (card, action) => {
    expect(overdueOrderAction(card)).toBe(action);
  });
});
