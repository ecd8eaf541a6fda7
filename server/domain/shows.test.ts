import { describe, expect, it } from "vitest";
import { type MeterFacts, SHOW_END_REASONS, endReasonText, isShowEndReason, pausedReasonFor, pausedReasonText } from "./shows";

const running: MeterFacts = {
  status: "LIVE",
  running: true,
  started: true,
  performerPaused: false,
  performerPresent: true,
  memberPresent: true,
  membersShort: false,
};

describe("pausedReasonFor", () => {
  it.each([
    ["a running meter", {}, null],
    ["a request", { status: "REQUESTED", running: false }, "requested"],
    ["a declined request", { status: "DECLINED", running: false }, "declined"],
    ["an ended show", { status: "ENDED", running: false }, "ended"],
    ["a group show short of members", { running: false, membersShort: true, started: false }, "waiting_for_members"],
    ["a started group show with no members left", { running: false, membersShort: true }, "waiting_for_members"],
    ["a meter the performer starts", { running: false, started: false }, "not_started"],
    ["a meter the performer paused, while both are away too", { running: false, performerPaused: true, performerPresent: false, memberPresent: false }, "paused_by_performer"],
    ["the performer away", { running: false, performerPresent: false, memberPresent: false }, "performer_offline"],
    ["the member away", { running: false, memberPresent: false }, "member_offline"],
    ["both back, before the sweep resumes it", { running: false }, "resuming"],
  ] as const)("%s", (_label, facts, expected) => {
    expect(pausedReasonFor({ ...running, ...facts })).toBe(expected);
  });
});

describe("reason texts", () => {
  it("has words for every end reason, for both sides", () => {
    for (const reason of SHOW_END_REASONS) {
      expect(endReasonText(reason, "member")).not.toBe("");
      expect(endReasonText(reason, "performer")).not.toBe("");
    }
    expect(endReasonText("funds_exhausted", "member")).toBe("your credits ran out");
    expect(endReasonText("funds_exhausted", "performer")).toBe("the member's credits ran out");
    expect(pausedReasonText("member_offline", "member")).toBe("Paused: your connection dropped.");
  });

  it.each([
    ["funds_exhausted", true],
    ["performer_offline", true],
    ["nonsense", false],
    [null, false],
  ])("%s is an end reason: %s", (value, expected) => {
    expect(isShowEndReason(value)).toBe(expected);
  });
});
