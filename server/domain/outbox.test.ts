import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, afterFailedDelivery, messageIdFor, retryDelaySeconds } from "./outbox";

describe("retryDelaySeconds", () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [4, 40],
    [7, 320],
    [10, 2560],
    [11, 3600],
    [30, 3600],
  ])("after failure %i waits %i s", (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses %s attempts", (attempts) => {
    expect(() => retryDelaySeconds(attempts)).toThrow(RangeError);
  });
});

describe("afterFailedDelivery", () => {
  it.each([
    [1, { outcome: "retry", afterSeconds: 5 }],
    [MAX_DELIVERY_ATTEMPTS - 1, { outcome: "retry", afterSeconds: retryDelaySeconds(MAX_DELIVERY_ATTEMPTS - 1) }],
    [MAX_DELIVERY_ATTEMPTS, { outcome: "dead" }],
    [MAX_DELIVERY_ATTEMPTS + 3, { outcome: "dead" }],
  ])("after failure %i: %o", (attempts, expected) => {
    expect(afterFailedDelivery(attempts)).toEqual(expected);
  });
});

describe("messageIdFor", () => {
  it.each([
    ["store-order:1b2c:paid:receipt", "<store-order=3a1b2c=3apaid=3areceipt@tipmeter.test>"],
    ["plain.key-1", "<plain.key-1@tipmeter.test>"],
    ["a b@c", "<a=20b=40c@tipmeter.test>"],
    ["a=3a", "<a=3d3a@tipmeter.test>"],
  ])("%s gives %s", (key, id) => {
    expect(messageIdFor(key, "tipmeter.test")).toBe(id);
  });

  it("gives the same id for the same key and different ids for different keys", () => {
    expect(messageIdFor("k:1", "x.test")).toBe(messageIdFor("k:1", "x.test"));
    expect(messageIdFor("k:1", "x.test")).not.toBe(messageIdFor("k:2", "x.test"));
  });
});
