import { describe, expect, it } from "vitest";
import {
  PASSWORD_MAX_LENGTH,
  type PasswordProblem,
  passwordProblems,
  performerApplicationSchema,
  signUpSchema,
  usernameSchema,
} from "@/server/domain/user-rules";

describe("passwordProblems", () => {
  const cases: Array<{ name: string; password: string; identity?: { email?: string; username?: string }; expected: PasswordProblem[] }> = [
    { name: "a long passphrase", password: "correct horse battery", expected: [] },
    { name: "the demo password", password: "tipmeter-demo", expected: [] },
    { name: "exactly the minimum length", password: "abcdefghik", expected: [] },
    { name: "one short of the minimum", password: "abcdefghi", expected: ["too_short"] },
    { name: "empty", password: "", expected: ["too_short"] },
    { name: "emoji counted as one character each", password: "🎸🎸🎸🎸🎸🎸🎸🎸🎸", expected: ["too_short"] },
    { name: "the maximum length", password: "x".repeat(PASSWORD_MAX_LENGTH - 1) + "y", expected: [] },
    { name: "over the maximum length", password: "xy".repeat(PASSWORD_MAX_LENGTH), expected: ["too_long"] },
    { name: "a breached password", password: "Password123", expected: ["common"] },
    { name: "one character repeated", password: "zzzzzzzzzzzz", expected: ["common"] },
    { name: "contains the username", password: "luna-rocks-2024", identity: { username: "luna" }, expected: ["contains_identity"] },
    { name: "contains the email's local part", password: "mia.member!!", identity: { email: "Mia.Member@x.test" }, expected: ["contains_identity"] },
    { name: "short usernames are not matched", password: "the-ox-and-the-cart", identity: { username: "ox" }, expected: [] },
  ];

  it.each(cases)("$name", ({ password, identity, expected }) => {
    expect(passwordProblems(password, identity)).toEqual(expected);
  });
});

describe("usernameSchema", () => {
  it.each([
    ["luna", "luna"],
    ["  Luna_Vale ", "luna_vale"],
    ["rex-99", "rex-99"],
  ])("accepts %j as %j", (input, expected) => {
    expect(usernameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ["ab", "too short"],
    ["a".repeat(25), "too long"],
    ["9lives", "starts with a digit"],
    ["luna vale", "contains a space"],
    ["luna.vale", "contains a dot"],
    ["admin", "reserved"],
    ["Wallet", "reserved regardless of case"],
  ])("rejects %j (%s)", (input) => {
    expect(usernameSchema.safeParse(input).success).toBe(false);
  });
});

describe("signUpSchema", () => {
  const valid = {
    email: "  Mia@Example.TEST ",
    username: "mia",
    displayName: "  Mia  ",
    password: "a perfectly fine passphrase",
  };

  it("normalises email, username and display name", () => {
    expect(signUpSchema.parse(valid)).toEqual({
      email: "mia@example.test",
      username: "mia",
      displayName: "Mia",
      password: valid.password,
    });
  });

  it.each([
    ["email", { email: "not-an-email" }],
    ["displayName", { displayName: "   " }],
    ["password", { password: "short" }],
    ["password", { password: "mia-is-my-password" }],
  ])("reports a problem on %s", (field, override) => {
    const result = signUpSchema.safeParse({ ...valid, ...override });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });

  it("validates an attached performer application", () => {
    const result = signUpSchema.safeParse({ ...valid, performerApplication: { stageName: "M", bio: "" } });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["performerApplication.stageName"]);
  });
});

describe("performerApplicationSchema", () => {
  it("trims and accepts an empty bio", () => {
    expect(performerApplicationSchema.parse({ stageName: " Luna ", bio: "  " })).toEqual({ stageName: "Luna", bio: "" });
  });

  it("rejects a bio over 1000 characters", () => {
    expect(performerApplicationSchema.safeParse({ stageName: "Luna", bio: "x".repeat(1001) }).success).toBe(false);
  });
});
