import { describe, expect, it } from "vitest";
import { bindRealtimeHandlers } from "@/components/realtime/bind-realtime";
import { fakeChannel } from "@/components/realtime/bind-realtime.testing";
import { type RoomEvent, mergeChatMessages, roomEventHandlers, roomMemberFrom, sortRoomMembers } from "./room-events";

/** What the room hears from one event arriving on its channel. */
function roomEventsFrom(event: string, data: unknown): RoomEvent[] {
  const channel = fakeChannel();
  const heard: RoomEvent[] = [];
  const handlers = roomEventHandlers((roomEvent) => heard.push(roomEvent));
  bindRealtimeHandlers(channel, () => handlers);
  channel.emit(event, data);
  return heard;
}

describe("roomEventHandlers", () => {
  const at = "2026-01-01T10:00:00.000Z";

  it.each([
    [
      "a chat message",
      "chat.message",
      { id: "12", senderId: "u1", senderName: "Mia", fromPerformer: false, body: "hi", at },
      { type: "chat", message: { id: 12n, senderId: "u1", senderName: "Mia", fromPerformer: false, body: "hi", at: new Date(at) } },
    ],
    ["the room going live", "room.status", { online: true }, { type: "status", online: true }],
    [
      "a tip",
      "room.tip",
      { fromDisplayName: "Mia", amount: "25", message: null, at },
      { type: "tip", tip: { fromDisplayName: "Mia", amount: 25n, message: null, at: new Date(at) } },
    ],
    ["a removal", "member.removed", { memberId: "u2" }, { type: "removed", memberId: "u2" }],
    ["a mute", "member.muted", { memberId: "u2", muted: true }, { type: "muted", memberId: "u2", muted: true }],
  ])("reads %s", (_case, event, data, expected) => {
    expect(roomEventsFrom(event, data)).toEqual([expected]);
  });

  it.each([
    ["another event", "tip.received", { online: true }],
    ["pusher's own events", "pusher:member_added", { id: "u1", info: {} }],
    ["a tip with a fractional amount", "room.tip", { fromDisplayName: "Mia", amount: "2.5", message: null, at }],
    ["a chat message without its id", "chat.message", { senderId: "u1", senderName: "Mia", fromPerformer: false, body: "hi", at }],
    ["a status that is not a boolean", "room.status", { online: "yes" }],
    ["no payload", "member.removed", null],
  ])("ignores %s", (_case, event, data) => {
    expect(roomEventsFrom(event, data)).toEqual([]);
  });
});

describe("roomMemberFrom", () => {
  it("reads the name and role the room signed", () => {
    expect(roomMemberFrom({ id: "u1", info: { name: "Mia", role: "MEMBER" } })).toEqual({ id: "u1", name: "Mia", role: "MEMBER" });
  });

  it.each([
    ["no info", { id: "u1" }],
    ["an unknown role", { id: "u1", info: { name: "Mia", role: "OWNER" } }],
    ["nothing", undefined],
  ])("ignores a member with %s", (_case, member) => {
    expect(roomMemberFrom(member)).toBeNull();
  });
});

describe("sortRoomMembers", () => {
  it("puts the performer first, then admins, then members by name", () => {
    const members = [
      { id: "m2", name: "Zed", role: "MEMBER" as const },
      { id: "a1", name: "Ava", role: "ADMIN" as const },
      { id: "p1", name: "Luna", role: "PERFORMER" as const },
      { id: "m1", name: "Ann", role: "MEMBER" as const },
      { id: "p2", name: "Rex", role: "PERFORMER" as const },
    ];
    expect(sortRoomMembers(members, "p1").map((member) => member.id)).toEqual(["p1", "a1", "m1", "p2", "m2"]);
  });
});

describe("mergeChatMessages", () => {
  it("adds new messages in order, drops duplicates and keeps the latest", () => {
    const loaded = [{ id: 1n }, { id: 2n }, { id: 3n }];
    expect(mergeChatMessages(loaded, [{ id: 3n }, { id: 5n }, { id: 4n }], 4)).toEqual([{ id: 2n }, { id: 3n }, { id: 4n }, { id: 5n }]);
  });
});
