import { describe, expect, it } from "vitest";
import {
  CHAT_MESSAGE_MAX_LENGTH,
  REMOVED_REASON,
  type RoomEntryFacts,
  chatMessageSchema,
  decideRoomEntry,
  effectiveTerms,
  moderationProblem,
  normalizeChatMessage,
  priceProblem,
} from "./rooms";

describe("normalizeChatMessage", () => {
  it.each([
    ["plain text", "Hello there", "Hello there"],
    ["surrounding space", "  hi \n", "hi"],
    ["Windows line breaks", "one\r\ntwo\rthree", "one\ntwo\nthree"],
    ["blank lines in a row", "one\n\n\n\n\ntwo", "one\n\ntwo"],
    ["control characters", "be\u0000ll\u0007 \u001b[31mred\u009b", "bell [31mred"],
    ["tabs kept", "a\tb", "a\tb"],
    ["emoji kept", "🎸 encore!", "🎸 encore!"],
    ["only whitespace", " \n\t ", ""],
  ])("%s", (_case, raw, expected) => {
    expect(normalizeChatMessage(raw)).toBe(expected);
  });
});

describe("chatMessageSchema", () => {
  it.each([
    ["a normal message", "Play Wonderwall", true],
    ["exactly the longest message", "x".repeat(CHAT_MESSAGE_MAX_LENGTH), true],
    ["the longest message with space around it", `  ${"x".repeat(CHAT_MESSAGE_MAX_LENGTH)}  `, true],
    ["one character too many", "x".repeat(CHAT_MESSAGE_MAX_LENGTH + 1), false],
    ["an empty message", "", false],
    ["only control characters and space", "\u0000 \u0007", false],
  ])("%s", (_case, body, accepted) => {
    expect(chatMessageSchema.safeParse(body).success).toBe(accepted);
  });

  it("says what is wrong", () => {
    expect(chatMessageSchema.safeParse("   ").error?.issues[0]?.message).toBe("Write a message first.");
    expect(chatMessageSchema.safeParse("x".repeat(501)).error?.issues[0]?.message).toBe("A message is at most 500 characters.");
  });
});

describe("priceProblem", () => {
  const bounds = { minPricePerMinute: 5n, maxPricePerMinute: 500n };
  it.each([
    [5n, null],
    [60n, null],
    [500n, null],
    [4n, "The private show price must be between 5 and 500 credits a minute."],
    [501n, "The private show price must be between 5 and 500 credits a minute."],
    [0n, "The private show price must be between 5 and 500 credits a minute."],
  ])("%s credits a minute", (price, expected) => {
    expect(priceProblem("private show", price, bounds)).toBe(expected);
  });
});

describe("effectiveTerms", () => {
  const defaults = {
    defaultPrivatePricePerMinute: 60n,
    defaultGroupPricePerMinute: 20n,
    freeSeconds: 0,
    minimumMinutes: 1,
    incrementSeconds: 30,
  };
  const noOverrides = { privatePricePerMinute: null, groupPricePerMinute: null, freeSeconds: null, minimumMinutes: null, incrementSeconds: null };

  it("falls back to the admin defaults", () => {
    expect(effectiveTerms(noOverrides, defaults)).toEqual({
      privatePricePerMinute: 60n,
      groupPricePerMinute: 20n,
      freeSeconds: 0,
      minimumMinutes: 1,
      incrementSeconds: 30,
    });
  });

  it("takes each override on its own, zero included", () => {
    expect(effectiveTerms({ ...noOverrides, privatePricePerMinute: 90n, minimumMinutes: 0, freeSeconds: 60 }, defaults)).toEqual({
      privatePricePerMinute: 90n,
      groupPricePerMinute: 20n,
      freeSeconds: 60,
      minimumMinutes: 0,
      incrementSeconds: 30,
    });
  });
});

describe("decideRoomEntry", () => {
  const member: RoomEntryFacts = {
    isRoomPerformer: false,
    role: "MEMBER",
    performerAvailable: true,
    removed: false,
    access: "PUBLIC",
    accessGranted: false,
    planName: null,
    accessItemTitle: null,
  };

  it.each<[string, Partial<RoomEntryFacts>, string | null]>([
    ["a member in a public room", {}, null],
    ["a removed member", { removed: true }, REMOVED_REASON],
    ["a removed member even with a membership", { removed: true, access: "MEMBERSHIP", accessGranted: true }, REMOVED_REASON],
    ["anyone in a closed room", { performerAvailable: false }, "This room is closed."],
    ["a member of the room's plan", { access: "MEMBERSHIP", accessGranted: true, planName: "Fan Club" }, null],
    [
      "a member without the plan",
      { access: "MEMBERSHIP", planName: "Fan Club" },
      "This room is for members of “Fan Club”. Join the plan to enter.",
    ],
    ["a members-only room without a plan set", { access: "MEMBERSHIP" }, "This room is for members only."],
    ["a member who unlocked room access", { access: "PAID", accessGranted: true, accessItemTitle: "Backstage pass" }, null],
    [
      "a member who didn't unlock room access",
      { access: "PAID", accessItemTitle: "Backstage pass" },
      "Entry to this room is paid: unlock “Backstage pass” to enter.",
    ],
    ["another performer without access", { role: "PERFORMER", access: "PAID" }, "Entry to this room is paid."],
    ["the room's performer, always", { isRoomPerformer: true, role: "PERFORMER", access: "PAID", removed: true }, null],
    ["an admin, always", { role: "ADMIN", access: "MEMBERSHIP", performerAvailable: false, removed: true }, null],
  ])("%s", (_case, facts, refusal) => {
    expect(decideRoomEntry({ ...member, ...facts })).toEqual(refusal === null ? { ok: true } : { ok: false, reason: refusal });
  });
});

describe("moderationProblem", () => {
  it.each<[string, { id: string; role: "MEMBER" | "PERFORMER" | "ADMIN" }, string | null]>([
    ["the room's performer", { id: "p1", role: "PERFORMER" }, null],
    ["an admin", { id: "a1", role: "ADMIN" }, null],
    ["another performer", { id: "p2", role: "PERFORMER" }, "You can only moderate your own room."],
    ["a member", { id: "m1", role: "MEMBER" }, "Only the room's performer or an administrator can do that."],
  ])("%s", (_case, actor, expected) => {
    expect(moderationProblem(actor, "p1")).toBe(expected);
  });
});
