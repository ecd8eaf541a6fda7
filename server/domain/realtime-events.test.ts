import { describe, expect, it } from "vitest";
import {
  ADMINS_CHANNEL,
  type ChannelKind,
  REALTIME_EVENTS,
  REALTIME_EVENT_NAMES,
  type RealtimeEventName,
  type RealtimePayload,
  channelKindOf,
  isRealtimeEventName,
  realtimePayload,
  roomChannel,
  userChannel,
} from "./realtime-events";

const at = "2026-01-01T10:00:00.000Z";

/** Every event: the channels it goes on and a payload as the server writes it. */
const catalogue: { [Name in RealtimeEventName]: { channels: ChannelKind[]; payload: RealtimePayload<Name> } } = {
  "wallet.updated": { channels: ["user"], payload: { available: "9007199254740993", earnings: "0", pending: "0", held: "-25", restricted: false, wallets: { credits: "9007199254740993" } } },
  "wallet.topped_up": {
    channels: ["user"],
    payload: { automatic: true, fromWalletTypeId: "usd", fromWallet: "Dollars", fromCurrency: "USD", amount: "500", toWalletTypeId: "credits", toWallet: "Credits", toCurrency: "CRD", result: "49", at },
  },
  "wallet.top_up_refused": { channels: ["user"], payload: { reason: "DAILY_LIMIT", message: "Automatic top-up didn't run: it already ran 3 times today.", at } },
  "tip.received": { channels: ["user"], payload: { transactionId: "7", fromDisplayName: "Sam", amount: "25", net: "20", message: null, at } },
  "revenue.updated": { channels: ["user"], payload: { paymentId: "pi_1" } },
  "show.requested": { channels: ["user"], payload: { showId: "s1", status: "REQUESTED", joined: false } },
  "show.updated": { channels: ["user"], payload: { showId: "s1", charged: "90", participants: [{ memberId: "m1", charged: "90" }] } },
  "show.ended": { channels: ["user"], payload: { showId: "s1", reason: "funds_exhausted", charged: "90" } },
  "withdrawal.updated": { channels: ["user", "admins"], payload: { id: "w1", status: "APPROVED" } },
  "order.updated": { channels: ["user", "admins"], payload: { id: "o1", status: "PAID" } },
  "chat.message": { channels: ["room"], payload: { id: "12", senderId: "u1", senderName: "Mia", fromPerformer: false, body: "hi", at } },
  "room.status": { channels: ["room"], payload: { online: true } },
  "room.tip": { channels: ["room"], payload: { fromDisplayName: "Mia", amount: "25", message: "hello", at } },
  "member.removed": { channels: ["room"], payload: { memberId: "u2" } },
  "member.muted": { channels: ["room"], payload: { memberId: "u2", muted: true } },
  "tab.updated": { channels: ["user", "admins"], payload: { tabId: "t1", status: "OPEN", message: "Card tab open", at } },
  "payment_request.updated": { channels: ["user"], payload: { id: "r1", performerId: "p1", memberId: "m1", status: "PAID", change: "paid" } },
};
const names = Object.keys(catalogue) as RealtimeEventName[];

describe("the realtime event catalogue", () => {
  it("has every event of the table, and only those", () => {
    expect([...REALTIME_EVENT_NAMES].sort()).toEqual([...names].sort());
  });

  it.each(names)("%s goes on its channel kinds", (name) => {
    expect(REALTIME_EVENTS[name].channels).toEqual(catalogue[name].channels);
  });

  it.each(names)("%s's payload comes through JSON as the relay sends it", (name) => {
    const { payload } = catalogue[name];
    expect(realtimePayload(name, JSON.parse(JSON.stringify(payload)))).toEqual(payload);
  });

  it.each([
    ["wallet.updated", "a missing field", { available: "1", pending: "0", restricted: false }],
    ["wallet.updated", "a float", { available: "1.5", pending: "0", held: "0", restricted: false }],
    ["wallet.updated", "a number instead of a string", { available: 1, pending: "0", held: "0", restricted: false }],
    ["tip.received", "a negative amount", { ...catalogue["tip.received"].payload, amount: "-5" }],
    ["show.updated", "no show id", { id: "s1" }],
    ["show.ended", "a number for the charge", { showId: "s1", reason: null, charged: 5 }],
    ["chat.message", "an instant that is not ISO", { ...catalogue["chat.message"].payload, at: "yesterday" }],
    ["room.status", "a status that is not a boolean", { online: "yes" }],
    ["order.updated", "no payload", null],
  ] as const)("refuses a %s payload with %s", (name, _case, data) => {
    expect(realtimePayload(name, data)).toBeNull();
  });

  it.each([
    [userChannel("ck1"), "private-user-ck1", "user"],
    [roomChannel("ck2"), "presence-room-ck2", "room"],
    [ADMINS_CHANNEL, "private-admins", "admins"],
    ["private-crash", "private-crash", null],
  ] as const)("names %s a %s channel", (channel, spelled, kind) => {
    expect(channel).toBe(spelled);
    expect(channelKindOf(channel)).toBe(kind);
  });

  it.each([
    ["order.updated", true],
    ["pusher:subscription_succeeded", false],
    ["toString", false],
  ])("knows whether %s is an event of the app", (name, known) => {
    expect(isRealtimeEventName(name)).toBe(known);
  });
});
