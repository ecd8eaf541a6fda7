import { describe, expect, it } from "vitest";
import { TAB_STATUSES } from "@/server/domain/tabs";
import { chargeStatusLabel, chargeableMinutesText, closeReasonText, owes, tabStatusLabel, writeOffBearerText } from "./tab-text";

describe("tab words", () => {
  it.each([
    [0, "0:00"],
    [59, "0:59"],
    [60, "1:00"],
    [725, "12:05"],
    [4500, "75:00"],
    [-3, "0:00"],
    [90.7, "1:30"],
  ])("%s billed seconds read %s", (seconds, text) => {
    expect(chargeableMinutesText(seconds)).toBe(text);
  });

  it.each([
    ["member_closed", "closed by the member"],
    ["show_ended", "the show it paid ended"],
    ["paid_after_failure", "paid with another card"],
    ["something_new", "something new"],
    [null, null],
  ])("close reason %s reads %s", (reason, text) => {
    expect(closeReasonText(reason)).toBe(text);
  });

  it("names every status, and owes only while payment is due or written off", () => {
    expect(new Set(TAB_STATUSES.map(tabStatusLabel)).size).toBe(TAB_STATUSES.length);
    expect(TAB_STATUSES.filter(owes)).toEqual(["PAYMENT_DUE", "WRITTEN_OFF"]);
  });

  it.each([
    ["SUCCEEDED", "Paid"],
    ["FAILED", "Failed"],
    ["PENDING", "In progress"],
  ] as const)("a %s charge reads %s", (status, label) => {
    expect(chargeStatusLabel(status).label).toBe(label);
  });

  it("says who bears a write-off, to the performer in the second person", () => {
    expect(writeOffBearerText("PERFORMER", "performer")).toMatch(/^You bear the loss/);
    expect(writeOffBearerText("PERFORMER", "admin")).toMatch(/^The performer bears the loss/);
    expect(writeOffBearerText("PLATFORM", "performer")).toMatch(/^Tipmeter bears the loss/);
  });
});
