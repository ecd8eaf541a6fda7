import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors";
import {
  type DueMembership,
  type MembershipStatus,
  afterFailedRenewal,
  assertCanResume,
  assertCanSubscribe,
  cancellation,
  graceEnd,
  perkLines,
  periodFrom,
  periodLabel,
  renewalPeriod,
  renewalPrice,
  renewalStep,
} from "./memberships";

const t = (iso: string) => new Date(`${iso}Z`);

function refusal(call: () => void): string {
  try {
    call();
    return "OK";
  } catch (error) {
    return isDomainError(error) ? error.code : "THROWN";
  }
}

describe("periodFrom", () => {
  it.each([
    ["2026-01-01T00:00:00", 30, "2026-01-31T00:00:00"],
    ["2026-01-31T12:30:00", 1, "2026-02-01T12:30:00"],
    ["2028-02-28T00:00:00", 2, "2028-03-01T00:00:00"],
    ["2026-03-28T10:00:00", 7, "2026-04-04T10:00:00"],
    ["2026-01-01T00:00:00", 366, "2027-01-02T00:00:00"],
  ])("%s plus %i days ends %s", (start, days, end) => {
    expect(periodFrom(t(start), days)).toEqual({ start: t(start), end: t(end) });
  });

  it.each([0, -1, 367, 1.5])("refuses a period of %s days", (days) => {
    expect(() => periodFrom(t("2026-01-01T00:00:00"), days)).toThrow(RangeError);
  });
});

describe("renewalPeriod", () => {
  it.each([
    ["on time", "2026-01-31T00:00:00", "2026-01-31T00:00:00", "2026-01-31T00:00:00", "2026-03-02T00:00:00"],
    ["a minute late: no gap, no free minute", "2026-01-31T00:00:00", "2026-01-31T00:01:00", "2026-01-31T00:00:00", "2026-03-02T00:00:00"],
    ["in grace, 2 days late", "2026-01-31T00:00:00", "2026-02-02T00:00:00", "2026-01-31T00:00:00", "2026-03-02T00:00:00"],
    ["a whole period late: starts now", "2026-01-31T00:00:00", "2026-03-02T00:00:00", "2026-03-02T00:00:00", "2026-04-01T00:00:00"],
    ["more than a period late: starts now", "2026-01-31T00:00:00", "2026-05-01T08:00:00", "2026-05-01T08:00:00", "2026-05-31T08:00:00"],
  ])("%s", (_case, previousEnd, at, start, end) => {
    expect(renewalPeriod(t(previousEnd), 30, t(at))).toEqual({ start: t(start), end: t(end) });
  });
});

describe("graceEnd and renewalPrice", () => {
  it.each([
    ["2026-01-31T00:00:00", 3, "2026-02-03T00:00:00"],
    ["2026-01-31T00:00:00", 0, "2026-01-31T00:00:00"],
  ])("grace from %s for %i days ends %s", (end, days, until) => {
    expect(graceEnd(t(end), days)).toEqual(t(until));
  });

  it.each([
    [100n, 100n, 100n],
    [100n, 150n, 100n],
    [100n, 80n, 80n],
  ])("last paid %s, plan now %s: renews at %s", (lastPaid, current, expected) => {
    expect(renewalPrice(lastPaid, current)).toBe(expected);
  });
});

describe("renewalStep: what a run at 2026-02-01 does", () => {
  const at = t("2026-02-01T00:00:00");
  const due = (status: MembershipStatus, extra: Partial<DueMembership> = {}): DueMembership => ({
    status,
    currentPeriodEnd: t("2026-01-31T00:00:00"),
    graceUntil: null,
    planActive: true,
    ...extra,
  });

  it.each<[string, DueMembership, ReturnType<typeof renewalStep>]>([
    ["active, period not over: waits", due("ACTIVE", { currentPeriodEnd: t("2026-02-15T00:00:00") }), { kind: "wait" }],
    ["active, ends exactly now: charges", due("ACTIVE", { currentPeriodEnd: at }), { kind: "charge", period: { start: at, end: t("2026-03-03T00:00:00") } }],
    ["active, period over: charges the next period from its end", due("ACTIVE"), { kind: "charge", period: { start: t("2026-01-31T00:00:00"), end: t("2026-03-02T00:00:00") } }],
    ["active, plan retired: lapses without charge", due("ACTIVE", { planActive: false }), { kind: "lapse", reason: "plan_retired" }],
    ["cancelled, period not over: waits", due("CANCELLED", { currentPeriodEnd: t("2026-02-15T00:00:00") }), { kind: "wait" }],
    ["cancelled, period over: lapses without charge", due("CANCELLED"), { kind: "lapse", reason: "cancelled" }],
    [
      "grace, grace not over: retries the period from the original end",
      due("GRACE", { graceUntil: t("2026-02-03T00:00:00") }),
      { kind: "charge", period: { start: t("2026-01-31T00:00:00"), end: t("2026-03-02T00:00:00") } },
    ],
    ["grace, grace ends exactly now: lapses", due("GRACE", { graceUntil: at }), { kind: "lapse", reason: "grace_ended" }],
    ["grace, grace over: lapses", due("GRACE", { graceUntil: t("2026-01-31T12:00:00") }), { kind: "lapse", reason: "grace_ended" }],
    ["grace, plan retired: lapses", due("GRACE", { graceUntil: t("2026-02-03T00:00:00"), planActive: false }), { kind: "lapse", reason: "plan_retired" }],
    ["lapsed: nothing to do", due("LAPSED"), { kind: "wait" }],
  ])("%s", (_case, membership, expected) => {
    expect(renewalStep(membership, 30, at)).toEqual(expected);
  });
});

describe("afterFailedRenewal (3 grace days)", () => {
  const end = t("2026-01-31T00:00:00");
  it.each<[string, MembershipStatus, Date | null, Date, number, ReturnType<typeof afterFailedRenewal>]>([
    ["active enters grace until end + grace days", "ACTIVE", null, t("2026-01-31T00:01:00"), 3, { status: "GRACE", graceUntil: t("2026-02-03T00:00:00"), enteredGrace: true }],
    ["active found late still gets the grace that is left", "ACTIVE", null, t("2026-02-02T00:00:00"), 3, { status: "GRACE", graceUntil: t("2026-02-03T00:00:00"), enteredGrace: true }],
    ["active with no grace days lapses at once", "ACTIVE", null, t("2026-01-31T00:01:00"), 0, { status: "LAPSED", reason: "grace_ended" }],
    ["active found after the grace would have ended lapses", "ACTIVE", null, t("2026-02-04T00:00:00"), 3, { status: "LAPSED", reason: "grace_ended" }],
    ["grace keeps its grace end", "GRACE", t("2026-02-03T00:00:00"), t("2026-02-02T00:00:00"), 7, { status: "GRACE", graceUntil: t("2026-02-03T00:00:00"), enteredGrace: false }],
    ["grace at its end lapses", "GRACE", t("2026-02-03T00:00:00"), t("2026-02-03T00:00:00"), 3, { status: "LAPSED", reason: "grace_ended" }],
  ])("%s", (_case, status, graceUntil, at, graceDays, expected) => {
    expect(afterFailedRenewal({ status, currentPeriodEnd: end, graceUntil }, graceDays, at)).toEqual(expected);
  });
});

describe("who may subscribe, cancel and resume", () => {
  const at = t("2026-02-01T00:00:00");
  const future = t("2026-02-15T00:00:00");
  const past = t("2026-01-31T00:00:00");

  it.each<[string, { status: MembershipStatus; currentPeriodEnd: Date } | null, string]>([
    ["no membership yet", null, "OK"],
    ["lapsed", { status: "LAPSED", currentPeriodEnd: past }, "OK"],
    ["cancelled and ended", { status: "CANCELLED", currentPeriodEnd: past }, "OK"],
    ["cancelled, still running", { status: "CANCELLED", currentPeriodEnd: future }, "CONFLICT"],
    ["active", { status: "ACTIVE", currentPeriodEnd: future }, "CONFLICT"],
    ["active, renewal due", { status: "ACTIVE", currentPeriodEnd: past }, "CONFLICT"],
    ["in grace", { status: "GRACE", currentPeriodEnd: past }, "CONFLICT"],
  ])("subscribing with %s: %s", (_case, existing, expected) => {
    expect(refusal(() => assertCanSubscribe(existing, at))).toBe(expected);
  });

  it("says when an active membership renews", () => {
    expect(() => assertCanSubscribe({ status: "ACTIVE", currentPeriodEnd: future }, at)).toThrow("renews on Feb 15, 2026");
  });

  it.each<[MembershipStatus, string]>([
    ["ACTIVE", "CANCELLED"],
    ["GRACE", "LAPSED"],
  ])("cancelling %s makes it %s", (status, next) => {
    expect(cancellation(status)).toBe(next);
  });

  it.each<MembershipStatus>(["CANCELLED", "LAPSED"])("cancelling %s is refused", (status) => {
    expect(refusal(() => cancellation(status))).toBe("CONFLICT");
  });

  it.each<[string, MembershipStatus, Date, string]>([
    ["cancelled, still running", "CANCELLED", future, "OK"],
    ["cancelled, ended", "CANCELLED", past, "CONFLICT"],
    ["active", "ACTIVE", future, "CONFLICT"],
    ["lapsed", "LAPSED", past, "CONFLICT"],
  ])("resuming %s: %s", (_case, status, currentPeriodEnd, expected) => {
    expect(refusal(() => assertCanResume({ status, currentPeriodEnd }, at))).toBe(expected);
  });
});

describe("how plans read", () => {
  it.each([
    [1, "day"],
    [7, "week"],
    [30, "30 days"],
    [366, "366 days"],
  ])("a period of %i days reads %s", (days, label) => {
    expect(periodLabel(days)).toBe(label);
  });

  it("lists one perk per non-blank line", () => {
    expect(perkLines(" Early access \n\n  \nMembers-only posts")).toEqual(["Early access", "Members-only posts"]);
    expect(perkLines("")).toEqual([]);
  });
});
