import { describe, expect, it } from "vitest";
import { bindRealtimeHandlers } from "@/components/realtime/bind-realtime";
import { fakeChannel } from "@/components/realtime/bind-realtime.testing";
import { type ShowEvent, showEventHandlers } from "./show-events";

/** What the show panel hears from one event arriving on the viewer's channel. */
function showEventsFrom(event: string, data: unknown): ShowEvent[] {
  const channel = fakeChannel();
  const heard: ShowEvent[] = [];
  const handlers = showEventHandlers((showEvent) => heard.push(showEvent));
  bindRealtimeHandlers(channel, () => handlers);
  channel.emit(event, data);
  return heard;
}

describe("showEventHandlers", () => {
  it.each([
    ["show.requested", { showId: "s1", status: "REQUESTED" }, { type: "requested", showId: "s1" }],
    ["show.updated", { showId: "s1", charged: "90", lowBalance: true }, { type: "updated", showId: "s1" }],
    ["show.ended", { showId: "s1", reason: "funds_exhausted", charged: "90" }, { type: "ended", showId: "s1", reason: "funds_exhausted", charged: 90n }],
    ["show.ended", { showId: "s1", reason: null, charged: "0" }, { type: "ended", showId: "s1", reason: null, charged: 0n }],
  ])("reads %s", (event, data, expected) => {
    expect(showEventsFrom(event, data)).toEqual([expected]);
  });

  it.each([
    ["wallet.updated", { showId: "s1" }],
    ["show.updated", { id: "s1" }],
    ["show.ended", { showId: "s1", reason: null, charged: "-5" }],
    ["show.ended", { showId: "s1", reason: null, charged: 5 }],
    ["show.requested", null],
  ])("ignores %s %j", (event, data) => {
    expect(showEventsFrom(event, data)).toEqual([]);
  });
});
