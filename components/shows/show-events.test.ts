import { describe, expect, it } from "vitest";
import { showEventFrom } from "./show-events";

describe("showEventFrom", () => {
  it.each([
    ["show.requested", { showId: "s1", status: "REQUESTED" }, { type: "requested", showId: "s1" }],
    ["show.updated", { showId: "s1", charged: "90", lowBalance: true }, { type: "updated", showId: "s1" }],
    ["show.ended", { showId: "s1", reason: "funds_exhausted", charged: "90" }, { type: "ended", showId: "s1", reason: "funds_exhausted", charged: 90n }],
    ["show.ended", { showId: "s1", reason: null, charged: "0" }, { type: "ended", showId: "s1", reason: null, charged: 0n }],
  ])("reads %s", (event, data, expected) => {
    expect(showEventFrom(event, data)).toEqual(expected);
  });

  it.each([
    ["wallet.updated", { showId: "s1" }],
    ["show.updated", { id: "s1" }],
    ["show.ended", { showId: "s1", reason: null, charged: "-5" }],
    ["show.ended", { showId: "s1", reason: null, charged: 5 }],
    ["show.requested", null],
  ])("ignores %s %j", (event, data) => {
    expect(showEventFrom(event, data)).toBeNull();
  });
});
