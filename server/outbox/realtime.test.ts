import { describe, expect, it } from "vitest";
import { ADMINS_CHANNEL, roomChannel, userChannel } from "@/server/domain/realtime-events";
import { realtimeEvent } from "./realtime";

describe("realtimeEvent", () => {
  it("writes the outbox message the relay sends: one channel or several, the payload as given", () => {
    expect(realtimeEvent("k1", roomChannel("p1"), "room.status", { online: true })).toEqual({
      key: "k1",
      kind: "realtime",
      channels: ["presence-room-p1"],
      event: "room.status",
      data: { online: true },
    });
    expect(realtimeEvent("k2", [userChannel("u1"), ADMINS_CHANNEL], "order.updated", { id: "o1", status: "PAID" }).channels).toEqual([
      "private-user-u1",
      "private-admins",
    ]);
  });

  // Checked by `npm run typecheck`: each line is refused, and the directive fails if it ever is not.
  it("refuses, at compile time, a payload or channel that isn't its event's", () => {
    // @ts-expect-error a payload without the event's fields
    realtimeEvent("k", roomChannel("p1"), "room.status", { memberId: "m1" });
    // @ts-expect-error an amount as a number (JSON has no bigint: amounts travel as strings)
    realtimeEvent("k", userChannel("u1"), "tip.received", { transactionId: "1", fromDisplayName: "A", amount: 5, net: "4", message: null, at: "" });
    // @ts-expect-error a room event on a user's channel
    realtimeEvent("k", userChannel("u1"), "chat.message", { id: "1", senderId: "s", senderName: "S", fromPerformer: false, body: "hi", at: "" });
    // @ts-expect-error a user's event on the admins' channel
    realtimeEvent("k", ADMINS_CHANNEL, "wallet.updated", { available: "0", pending: "0", held: "0", restricted: false });
    // @ts-expect-error an event the catalogue doesn't have
    realtimeEvent("k", userChannel("u1"), "wallet.changed", {});
    expect(true).toBe(true);
  });
});
