import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors";
import { quoteTransfer, type TransferTerms, transferFee, transferLineDescription } from "./transfers";

describe("transferFee", () => {
  it.each([
    // amount, fee bps, min fee, fee
    [100n, 0, 0n, 0n],
    [100n, 250, 0n, 2n],
    [99n, 250, 0n, 2n],
    [39n, 250, 0n, 0n],
    [40n, 250, 0n, 1n],
    [39n, 250, 1n, 1n],
    [1_000n, 250, 5n, 25n],
    [10n, 0, 5n, 5n],
    [1n, 10_000, 0n, 1n],
    [9_007_199_254_740_993n, 100, 0n, 90_071_992_547_409n],
  ])("%s credits at %i bps, min %s: %s", (amount, feeBps, minFee, fee) => {
    expect(transferFee(amount, { feeBps, minFee })).toBe(fee);
  });

  it.each([0n, -5n])("refuses an amount of %s", (amount) => {
    expect(() => transferFee(amount, { feeBps: 100, minFee: 0n })).toThrow(RangeError);
  });
});

describe("quoteTransfer", () => {
  const terms: TransferTerms = { enabled: true, dailyLimit: 1_000n, feeBps: 100, minFee: 1n };

  it.each([
    // amount, sent today, fee, total, left after
    [100n, 0n, 1n, 101n, 900n],
    [400n, 600n, 4n, 404n, 0n],
    [1_000n, 0n, 10n, 1_010n, 0n],
  ])("%s credits after %s sent today: fee %s, total %s, %s left", (amount, sentToday, fee, total, remainingToday) => {
    expect(quoteTransfer(amount, sentToday, terms)).toEqual({ amount, fee, total, remainingToday });
  });

  it.each([
    ["over what is left today", 501n, 500n, terms, "you can send 500 more credits today"],
    ["with nothing left today", 1n, 1_000n, terms, "You have reached today's transfer limit of 1,000 credits"],
    ["after the limit was lowered below what was sent", 1n, 1_200n, terms, "You have reached today's transfer limit"],
    ["while transfers are off", 1n, 0n, { ...terms, enabled: false }, "Transfers are turned off"],
  ])("refuses a transfer %s", (_case, amount, sentToday, refusedTerms, message) => {
    let refusal: unknown;
    try {
      quoteTransfer(amount, sentToday, refusedTerms);
    } catch (error) {
      refusal = error;
    }
    expect(isDomainError(refusal) && refusal.code).toBe("PRECONDITION_FAILED");
    expect((refusal as Error).message).toContain(message);
  });
});

describe("transferLineDescription", () => {
  const metadata = {
    transferId: "t1",
    senderId: "mia",
    senderName: "Mia Member",
    recipientId: "max",
    recipientName: "Max Member",
    amount: "100",
    fee: "0",
    note: null,
  };

  it.each([
    ["the sender", metadata, "mia", "Transfer to Max Member"],
    ["the recipient", metadata, "max", "Transfer from Mia Member"],
    ["the sender, with a fee", { ...metadata, fee: "1500" }, "mia", "Transfer to Max Member (incl. 1,500 fee)"],
    ["the recipient, who pays no fee", { ...metadata, fee: "1500" }, "max", "Transfer from Mia Member"],
    ["the recipient, with a note", { ...metadata, note: "For the pizza" }, "max", "Transfer from Mia Member: “For the pizza”"],
    ["anyone, when the metadata is not a transfer's", { amount: "5" }, "max", "Stored description"],
  ])("as %s", (_case, stored, viewerId, expected) => {
    expect(transferLineDescription(stored, viewerId, "Stored description")).toBe(expected);
  });
});
