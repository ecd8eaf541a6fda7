import { describe, expect, it } from "vitest";
import { STATUS_DATA, STATUS_EVENTS, type StatusEvent } from "@/components/realtime/status-events";
import { REALTIME_EVENTS } from "@/server/domain/realtime-events";

describe("STATUS_EVENTS", () => {
  it.each([
    ["withdrawal.updated", "withdrawals"],
    ["order.updated", "orders"],
  ] as const)("%s makes %s stale", (event, stale) => {
    expect(STATUS_EVENTS[event]).toBe(stale);
  });

  it("refetches everything on a (re)subscription", () => {
    expect(STATUS_DATA).toEqual(["withdrawals", "orders"]);
  });

  // LiveStatus follows a user's channel on their pages and the admins' channel on admin pages.
  it.each(Object.keys(STATUS_EVENTS) as StatusEvent[])("%s goes on users' and admins' channels", (event) => {
    expect(REALTIME_EVENTS[event].channels).toEqual(["user", "admins"]);
  });
});
