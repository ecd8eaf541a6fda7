import { describe, expect, it } from "vitest";
import type { WithdrawalStatus } from "@/server/generated/prisma/enums";
import type { DomainError } from "./errors";
import {
  type PayoutActor,
  type PayoutFieldDefinition,
  type PayoutMethodTerms,
  HOLDING_CREDITS,
  WITHDRAWAL_STATUSES,
  WITHDRAWAL_TRANSITIONS,
  assertTransition,
  canTransition,
  checkWithdrawal,
  creditsToMinor,
  detailLines,
  isLocked,
  isValidIban,
  isValidSwift,
  labelInSentence,
  lockEndsAt,
  maskValue,
  missingPayoutFields,
  parseMajorToMinor,
  payoutDestinationChanged,
  payoutFeeMinor,
  quoteWithdrawal,
  snapshotPayoutDetails,
  validatePayoutDetails,
  withdrawalProblem, qualifiesForAutoApproval } from "./payouts";

const USD_RATE = { credits: 20n, amountMinor: 100n };
const PAYPAL: PayoutMethodTerms = { fixedMinor: 30n, percentBps: 200, minCredits: 200n, maxCredits: 100_000n };

describe("the withdrawal state machine", () => {
  it.each<[WithdrawalStatus, WithdrawalStatus, PayoutActor, boolean]>([
    ["REQUESTED", "CANCELLED", "performer", true],
    ["REQUESTED", "CANCELLED", "admin", false],
    ["REQUESTED", "APPROVED", "admin", true],
    ["REQUESTED", "APPROVED", "system", true],
    ["REQUESTED", "APPROVED", "performer", false],
    ["REQUESTED", "REJECTED", "admin", true],
    ["REQUESTED", "REJECTED", "performer", false],
    ["REQUESTED", "PAID", "admin", false],
    ["APPROVED", "CANCELLED", "performer", false],
    ["APPROVED", "REJECTED", "admin", true],
    ["APPROVED", "PROCESSING", "admin", true],
    ["APPROVED", "PAID", "admin", true],
    ["APPROVED", "PAID", "system", false],
    ["APPROVED", "APPROVED", "admin", false],
    ["PROCESSING", "PAID", "system", true],
    ["PROCESSING", "PAID", "admin", false],
    ["PROCESSING", "FAILED", "system", true],
    ["PROCESSING", "REJECTED", "admin", false],
    ["PAID", "FAILED", "system", true],
    ["PAID", "REJECTED", "admin", false],
    ["REJECTED", "APPROVED", "admin", false],
    ["CANCELLED", "REQUESTED", "performer", false],
    ["FAILED", "PROCESSING", "system", false],
    ["PROCESSING", "NEEDS_RECONCILIATION", "system", true],
    ["PROCESSING", "NEEDS_RECONCILIATION", "admin", false],
    ["PAID", "NEEDS_RECONCILIATION", "system", true],
    ["NEEDS_RECONCILIATION", "PAID", "admin", true],
    ["NEEDS_RECONCILIATION", "PAID", "system", false],
    ["NEEDS_RECONCILIATION", "REJECTED", "admin", true],
    ["NEEDS_RECONCILIATION", "FAILED", "system", false],
    ["NEEDS_RECONCILIATION", "CANCELLED", "performer", false],
  ])("%s -> %s by %s: %s", (from, to, actor, allowed) => {
    expect(canTransition(from, to, actor)).toBe(allowed);
  });

  it.each([
    ["REQUESTED", "CANCELLED", ["release"]],
    ["REQUESTED", "REJECTED", ["release"]],
    ["APPROVED", "PAID", ["settle"]],
    ["PROCESSING", "FAILED", ["release"]],
    ["PAID", "FAILED", ["unsettle", "release"]],
    ["REQUESTED", "APPROVED", []],
    // The credits stay held while the money sits in the performer's Stripe account.
    ["PROCESSING", "NEEDS_RECONCILIATION", []],
    ["PAID", "NEEDS_RECONCILIATION", ["unsettle"]],
    ["NEEDS_RECONCILIATION", "REJECTED", ["release"]],
    ["NEEDS_RECONCILIATION", "PAID", ["settle"]],
  ] as const)("%s -> %s posts %j", (from, to, effects) => {
    const actor: PayoutActor = to === "CANCELLED" ? "performer" : from === "PROCESSING" || from === "PAID" ? "system" : "admin";
    expect(assertTransition(from, to, actor)).toEqual(effects);
  });

  it("refuses a second approve as a conflict and a performer's approve as forbidden, with plain messages", () => {
    expect(() => assertTransition("APPROVED", "APPROVED", "admin")).toThrow(
      expect.objectContaining({ code: "CONFLICT", message: "This withdrawal is already approved." }) as Error,
    );
    expect(() => assertTransition("PAID", "CANCELLED", "performer")).toThrow(
      expect.objectContaining({ code: "CONFLICT", message: "This withdrawal is paid, so it can't be cancelled." }) as Error,
    );
    expect(() => assertTransition("REQUESTED", "APPROVED", "performer")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }) as Error);
  });

  it("holds credits exactly in the statuses HOLDING_CREDITS names: each move's ledger effects take them from or to held", () => {
    const holds = (status: WithdrawalStatus) => HOLDING_CREDITS.includes(status);
    for (const { from, to, effects } of WITHDRAWAL_TRANSITIONS) {
      // Release and settle take the credits out of held, unsettle puts them back, no posting leaves them be.
      const held = effects.reduce((_, effect) => effect === "unsettle", holds(from));
      expect(held, `${from} -> ${to} ${effects.join("+") || "(no posting)"}`).toBe(holds(to));
    }
    // A withdrawal's first status, set with its hold posting.
    expect(holds("REQUESTED")).toBe(true);
  });

  it("never leaves a terminal status except a paid payout the bank returned", () => {
    for (const from of ["REJECTED", "CANCELLED", "FAILED"] as const) {
      for (const to of WITHDRAWAL_STATUSES) {
        for (const actor of ["performer", "admin", "system"] as const) expect(canTransition(from, to, actor)).toBe(false);
      }
    }
  });
});

describe("conversion, fee and net", () => {
  it.each([
    // credits, rate credits, rate minor, gross
    [20n, 20n, 100n, 100n],
    [1n, 20n, 100n, 5n],
    [3n, 7n, 10n, 4n],
    [19n, 20n, 1n, 0n],
    [1_000n, 20n, 100n, 5_000n],
    [9_007_199_254_740_993n, 1n, 1n, 9_007_199_254_740_993n],
  ])("%s credits at %s = %s minor: %s", (credits, rateCredits, amountMinor, gross) => {
    expect(creditsToMinor(credits, { credits: rateCredits, amountMinor })).toBe(gross);
  });

  it.each([
    // gross, fixed, bps, fee: the percent part rounds up to a whole minor unit
    [5_000n, 30n, 200, 130n],
    [99n, 0n, 150, 2n],
    [100n, 0n, 150, 2n],
    [10_000n, 0n, 150, 150n],
    [1n, 0n, 1, 1n],
    [0n, 25n, 250, 25n],
    [12_345n, 100n, 0, 100n],
  ])("gross %s with %s + %s bps: fee %s", (gross, fixedMinor, percentBps, fee) => {
    expect(payoutFeeMinor(gross, { fixedMinor, percentBps })).toBe(fee);
  });

  it("quotes gross, fee and net that add up", () => {
    expect(quoteWithdrawal(1_000n, USD_RATE, PAYPAL)).toEqual({ credits: 1_000n, grossMinor: 5_000n, feeMinor: 130n, netMinor: 4_870n });
  });

  it.each([
    [0n, 5_000n, "NOT_POSITIVE", "BAD_REQUEST"],
    [199n, 5_000n, "BELOW_MINIMUM", "BAD_REQUEST"],
    [100_001n, 200_000n, "ABOVE_MAXIMUM", "BAD_REQUEST"],
    [1_001n, 1_000n, "ABOVE_AVAILABLE", "INSUFFICIENT_FUNDS"],
  ])("%s credits with %s available: %s", (credits, available, problem, code) => {
    const quote = quoteWithdrawal(credits, USD_RATE, PAYPAL);
    expect(withdrawalProblem(quote, PAYPAL, available)?.code).toBe(problem);
    expect(() => checkWithdrawal(credits, USD_RATE, PAYPAL, available, "PayPal")).toThrow(expect.objectContaining({ code }) as DomainError);
  });

  it("refuses an amount whose fee would take it all, and accepts the limits themselves", () => {
    const costly = { ...PAYPAL, fixedMinor: 1_000n, minCredits: 1n };
    expect(withdrawalProblem(quoteWithdrawal(200n, USD_RATE, costly), costly, 1_000n)?.code).toBe("FEE_TAKES_ALL");
    expect(checkWithdrawal(200n, USD_RATE, PAYPAL, 200n).netMinor).toBe(1_000n - 50n);
    expect(checkWithdrawal(100_000n, USD_RATE, PAYPAL, 100_000n).grossMinor).toBe(500_000n);
  });

  it("names the limit in the message", () => {
    expect(withdrawalProblem(quoteWithdrawal(10n, USD_RATE, PAYPAL), PAYPAL, 50n, "PayPal")?.message).toBe(
      "The minimum withdrawal for PayPal is 200 credits.",
    );
  });

  it.each([
    ["1", "USD", 100n],
    ["1.5", "USD", 150n],
    ["0.01", "usd", 1n],
    ["1,234.56", "USD", 123_456n],
    ["500", "JPY", 500n],
    ["1.234", "KWD", 1_234n],
    ["1.234", "USD", null],
    ["1.5", "JPY", null],
    ["-1", "USD", null],
    ["abc", "USD", null],
  ])("parses %s %s as %s minor", (text, currency, minor) => {
    expect(parseMajorToMinor(text, currency)).toBe(minor);
  });
});

describe("the payout-method lock", () => {
  const changedAt = new Date("2026-01-01T12:00:00Z");
  it.each([
    [7, "2026-01-08T11:59:59Z", true],
    [7, "2026-01-08T12:00:00Z", false],
    [0, "2026-01-01T12:00:00Z", false],
    [1, "2026-01-01T13:00:00Z", true],
  ])("%i days, at %s: locked %s", (days, now, locked) => {
    expect(isLocked(changedAt, days, new Date(now))).toBe(locked);
  });

  it("ends the lock the given number of days after the change", () => {
    expect(lockEndsAt(changedAt, 7).toISOString()).toBe("2026-01-08T12:00:00.000Z");
  });
});

describe("payout profile fields", () => {
  it.each([
    ["DE89370400440532013000", true],
    ["GB82WEST12345698765432", true],
    ["GB82WEST12345698765433", false],
    ["DE89 3704 0044 0532 0130 00", false],
    ["XX89370400440532013000", false],
    ["DE8937040044", false],
  ])("IBAN %s valid: %s", (iban, valid) => {
    expect(isValidIban(iban)).toBe(valid);
  });

  it.each([
    ["DEUTDEFF", true],
    ["DEUTDEFF500", true],
    ["NEDSZAJJXXX", true],
    ["DEUT1EFF", false],
    ["DEUTXXFF", false],
    ["DEUTDEF", false],
    ["DEUTDEFF50", false],
  ])("SWIFT %s valid: %s", (swift, valid) => {
    expect(isValidSwift(swift)).toBe(valid);
  });

  const fields: PayoutFieldDefinition[] = [
    { key: "legal_name", label: "Legal name", format: "text", required: true, sensitive: false, methods: [] },
    { key: "country", label: "Country", format: "country", required: true, sensitive: false, methods: [] },
    { key: "tax_id", label: "Tax ID", format: "tax_id", required: false, sensitive: true, methods: [] },
    { key: "paypal_email", label: "PayPal email", format: "email", required: true, sensitive: true, methods: ["PAYPAL"] },
    { key: "iban", label: "IBAN", format: "iban", required: true, sensitive: true, methods: ["BANK_TRANSFER"] },
    { key: "swift", label: "SWIFT", format: "swift", required: true, sensitive: false, methods: ["BANK_TRANSFER"] },
  ];

  it("normalizes what was typed and keeps only the fields of the chosen method", () => {
    const result = validatePayoutDetails(fields, "BANK_TRANSFER", {
      legal_name: "  Luna   Vale ",
      country: "de",
      iban: "de89 3704 0044 0532 0130 00",
      swift: "deutdeff",
      paypal_email: "ignored@example.com",
    });
    expect(result).toEqual({
      values: { legal_name: "Luna Vale", country: "DE", iban: "DE89370400440532013000", swift: "DEUTDEFF" },
      fieldErrors: {},
    });
  });

  it.each([
    ["a missing required field", { country: "US", paypal_email: "a@b.co" }, "legal_name", "Enter your legal name."],
    ["an unknown country", { legal_name: "A", country: "XX", paypal_email: "a@b.co" }, "country", "Enter a two-letter country code, such as US or DE."],
    ["a bad email", { legal_name: "A", country: "US", paypal_email: "not-an-email" }, "paypal_email", "Enter an email address like name@example.com."],
    ["a malformed tax id", { legal_name: "A", country: "US", paypal_email: "a@b.co", tax_id: "#!" }, "tax_id", "Enter the tax ID as issued: 4 to 30 letters and digits."],
  ])("reports %s on its field", (_case, input, key, message) => {
    expect(validatePayoutDetails(fields, "PAYPAL", input).fieldErrors).toEqual({ [key]: [message] });
  });

  it.each([
    ["IBAN", "Enter your IBAN."],
    ["Tax ID", "Enter your tax ID."],
    ["SWIFT/BIC", "Enter your SWIFT/BIC."],
    ["SWIFT / BIC", "Enter your SWIFT / BIC."],
    ["Legal name", "Enter your legal name."],
    ["PayPal email", "Enter your PayPal email."],
    ["Country", "Enter your country."],
    ["VAT number", "Enter your VAT number."],
    ["  Bank account holder ", "Enter your bank account holder."],
  ])("asks for a missing %j by its label", (label, message) => {
    const field: PayoutFieldDefinition = { key: "field", label, format: "text", required: true, sensitive: false, methods: [] };
    expect(validatePayoutDetails([field], "BANK_TRANSFER", {}).fieldErrors).toEqual({ field: [message] });
  });

  it.each([
    ["Tax ID", "tax ID"],
    ["IBAN", "IBAN"],
    ["A", "A"],
    ["Sort code", "sort code"],
    ["iPhone number", "iPhone number"],
  ])("writes the label %j as %j inside a sentence", (label, expected) => {
    expect(labelInSentence(label)).toBe(expected);
  });

  it("lists the required fields a stored profile lacks", () => {
    expect(missingPayoutFields(fields, "BANK_TRANSFER", { legal_name: "A", country: "US", iban: "DE00" })).toEqual(["IBAN", "SWIFT"]);
    expect(missingPayoutFields(fields, "PAYPAL", { legal_name: "A", country: "US", paypal_email: "a@b.co" })).toEqual([]);
  });

  it.each([
    ["email", "luna@example.com", "l••••@example.com"],
    ["iban", "DE89370400440532013000", "•••• 3000"],
    ["tax_id", "12-3456789", "•••• 6789"],
    ["text", "short", "••••"],
  ] as const)("masks %s %s as %s", (format, value, masked) => {
    expect(maskValue(format, value)).toBe(masked);
  });

  it("masks sensitive lines of a snapshot unless revealed, and shows a Stripe account", () => {
    const snapshot = snapshotPayoutDetails(fields, {
      method: "PAYPAL",
      currency: "USD",
      details: { legal_name: "Luna Vale", country: "US", paypal_email: "luna@example.com" },
      stripeAccountId: "acct_1",
    });
    expect(snapshot.stripeAccountId).toBeNull();
    expect(detailLines(snapshot, false).map((line) => line.value)).toEqual(["Luna Vale", "US", "l••••@example.com"]);
    expect(detailLines(snapshot, true).map((line) => line.value)).toEqual(["Luna Vale", "US", "luna@example.com"]);
    const stripe = snapshotPayoutDetails(fields, { method: "STRIPE_CONNECT", currency: "USD", details: { legal_name: "L" }, stripeAccountId: "acct_1" });
    expect(detailLines(stripe, false).at(-1)).toMatchObject({ label: "Stripe account", value: "acct_1" });
  });

  it.each([
    ["nothing before", null, true],
    ["the same", { method: "PAYPAL", details: { a: "1" }, stripeAccountId: null }, false],
    ["another method", { method: "BANK_TRANSFER", details: { a: "1" }, stripeAccountId: null }, true],
    ["a changed value", { method: "PAYPAL", details: { a: "2" }, stripeAccountId: null }, true],
    ["a removed value", { method: "PAYPAL", details: { a: "1", b: "2" }, stripeAccountId: null }, true],
    ["another Stripe account", { method: "PAYPAL", details: { a: "1" }, stripeAccountId: "acct_9" }, true],
  ] as const)("a save after %s starts the lock: %s", (_case, previous, changed) => {
    expect(payoutDestinationChanged(previous, { method: "PAYPAL", details: { a: "1" }, stripeAccountId: null })).toBe(changed);
  });
});

describe("auto-approval over a window", () => {
  it.each([
    ["off", 100n, 0n, null, false],
    ["one request at the threshold", 500n, 0n, 500n, true],
    ["one request over it", 501n, 0n, 500n, false],
    ["a second small request that stays within it", 200n, 300n, 500n, true],
    ["a second small request that passes it", 201n, 300n, 500n, false],
    ["a split of a large request, third part", 100n, 900n, 500n, false],
  ])("%s", (_case, credits, requestedInWindow, threshold, approved) => {
    expect(qualifiesForAutoApproval(credits, requestedInWindow, threshold)).toBe(approved);
  });
});
