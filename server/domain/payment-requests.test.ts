import { describe, expect, it } from "vitest";
import type { PaymentRequestStatus } from "@/server/generated/prisma/enums";
import {
  DEFAULT_PAYMENT_REQUEST_SHARE_BPS,
  canMove,
  cardAmountFor,
  currentStatus,
  refusalFor,
  saleKindFor,
  sendPaymentRequestSchema,
  serviceStepRefusal,
  shippingRefusal,
} from "./payment-requests";
import { splitSale } from "./commission";

const STATUSES: PaymentRequestStatus[] = ["PENDING", "PAID", "DECLINED", "EXPIRED"];

describe("the payment request state machine", () => {
  it.each(STATUSES.flatMap((from) => STATUSES.map((to) => [from, to, from === "PENDING" && to !== "PENDING"] as const)))(
    "%s → %s allowed: %s",
    (from, to, allowed) => {
      expect(canMove(from, to)).toBe(allowed);
    },
  );

  it.each([
    ["pay", "PENDING", null],
    ["decline", "PENDING", null],
    ["expire", "PENDING", null],
    ["pay", "PAID", "This request is already paid."],
    ["decline", "PAID", "This request is already paid."],
    ["pay", "DECLINED", "This request was declined, so it can't be paid or declined again."],
    ["decline", "DECLINED", "This request was declined, so it can't be paid or declined again."],
    ["pay", "EXPIRED", "This request has expired. Ask the performer to send a new one."],
    ["decline", "EXPIRED", "This request has expired. Ask the performer to send a new one."],
    ["expire", "PAID", "This request is already paid."],
  ] as const)("%s a %s request: %s", (action, status, refusal) => {
    expect(refusalFor(action, status)).toBe(refusal);
  });

  const expiresAt = new Date("2026-12-06T10:15:00Z");
  it.each([
    ["PENDING", "2026-12-06T10:14:59.999Z", "PENDING"],
    ["PENDING", "2026-12-06T10:15:00Z", "EXPIRED"],
    ["PENDING", "2026-12-06T11:00:00Z", "EXPIRED"],
    ["PAID", "2026-12-06T11:00:00Z", "PAID"],
    ["DECLINED", "2026-12-06T11:00:00Z", "DECLINED"],
  ] as const)("a %s request read at %s is %s", (status, now, expected) => {
    expect(currentStatus({ status, expiresAt }, new Date(now))).toBe(expected);
  });
});

describe("fees by type", () => {
  it.each([
    ["SERVICE", "PAYMENT_REQUEST_SERVICE", 100n, 90n, 10n],
    ["GOODS", "PAYMENT_REQUEST_GOODS", 100n, 96n, 4n],
    ["SERVICE", "PAYMENT_REQUEST_SERVICE", 7n, 6n, 1n],
    ["GOODS", "PAYMENT_REQUEST_GOODS", 30n, 28n, 2n],
  ] as const)("a %s request is a %s sale; of %s credits the performer gets %s, the platform %s by default", (type, kind, amount, performer, platform) => {
    expect(saleKindFor(type)).toBe(kind);
    expect(splitSale(amount, DEFAULT_PAYMENT_REQUEST_SHARE_BPS[type])).toEqual({ performer, platform, rateBps: DEFAULT_PAYMENT_REQUEST_SHARE_BPS[type] });
  });

  it("prices a request by card at the site's credit price", () => {
    expect(cardAmountFor(70n, 10n)).toBe(700n);
    expect(cardAmountFor(1n, 12n)).toBe(12n);
  });
});

describe("what may follow payment", () => {
  const paidService = { type: "SERVICE", status: "PAID", serviceStartedAt: null, serviceFinishedAt: null } as const;
  const at = new Date("2026-12-06T10:00:00Z");
  it.each([
    ["a paid service starts", paidService, "start", null],
    ["a paid service can't finish before it starts", paidService, "finish", "Start the service before finishing it."],
    ["a started service can't start again", { ...paidService, serviceStartedAt: at }, "start", "This service has already started."],
    ["a started service finishes", { ...paidService, serviceStartedAt: at }, "finish", null],
    ["a finished service can't finish again", { ...paidService, serviceStartedAt: at, serviceFinishedAt: at }, "finish", "This service has already finished."],
    ["an unpaid service can't start", { ...paidService, status: "PENDING" }, "start", "A service starts once its request is paid."],
    ["goods have no service times", { ...paidService, type: "GOODS" }, "start", "Only an online service has a start and a finish."],
  ] as const)("%s", (_name, request, step, refusal) => {
    expect(serviceStepRefusal(request, step)).toBe(refusal);
  });

  it.each([
    ["GOODS", "PAID", null],
    ["GOODS", "PENDING", "Give a shipping address once the request is paid."],
    ["GOODS", "EXPIRED", "Give a shipping address once the request is paid."],
    ["SERVICE", "PAID", "Only physical goods are shipped."],
  ] as const)("a shipping address for %s %s: %s", (type, status, refusal) => {
    expect(shippingRefusal({ type, status })).toBe(refusal);
  });
});

describe("sending", () => {
  const valid = { memberId: "6f1c2a57-4b1e-4b43-9f2a-2f4f1d8e9a10", type: "SERVICE", description: "A song", amount: 50n, idempotencyKey: "0b5d1c1e-8a35-4a44-9c5e-0d5f0b7e3a21" };
  it.each([
    ["a valid request", {}, null],
    ["no amount", { amount: 0n }, "A request is for at least 1 credit."],
    ["a negative amount", { amount: -1n }, "A request is for at least 1 credit."],
    ["too much", { amount: 100_001n }, "A request is for at most 100,000 credits."],
    ["a blank description", { description: "  " }, "Describe what the payment is for."],
    ["another type", { type: "TIP" }, "Choose an online service or physical goods."],
  ] as const)("%s", (_name, change, message) => {
    const parsed = sendPaymentRequestSchema.safeParse({ ...valid, ...change });
    expect(parsed.success ? null : parsed.error.issues[0]?.message).toBe(message);
  });
});
