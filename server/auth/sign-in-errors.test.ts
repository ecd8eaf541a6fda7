import { describe, expect, it } from "vitest";
import { rateLimitedErrorCode, signInErrorMessage, suspendedErrorCode, unavailableErrorCode } from "@/server/auth/sign-in-errors";

describe("signInErrorMessage", () => {
  it.each([
    ["wrong credentials", "CredentialsSignin", "That email and password don't match an account."],
    ["a suspension", suspendedErrorCode, "This account is suspended. Contact support if you think this is a mistake."],
    ["a rate limit of 14m 1s, rounded up", rateLimitedErrorCode(841), "Too many failed sign-in attempts. Try again in 15 minutes."],
    ["a wait of exactly a minute", rateLimitedErrorCode(60), "Too many failed sign-in attempts. Try again in 1 minute."],
    ["a wait under a minute", rateLimitedErrorCode(30), "Too many failed sign-in attempts. Try again in 30 seconds."],
    ["a wait of one second", rateLimitedErrorCode(1), "Too many failed sign-in attempts. Try again in 1 second."],
    ["a garbled rate-limit code", "TooManyAttempts.soon", "Too many failed sign-in attempts. Try again in 15 minutes."],
    ["an outage", unavailableErrorCode, "Sign-in is unavailable right now. Please try again in a moment."],
    ["anything else, without echoing it", "Error: connect ECONNREFUSED", "Sign-in is unavailable right now. Please try again in a moment."],
  ])("explains %s", (_, code, message) => {
    expect(signInErrorMessage(code)).toBe(message);
  });
});
