import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/options";
import { consumeRateLimit, refundRateLimit } from "@/server/auth/rate-limiter";
import { SESSION_COOKIE_NAME } from "@/server/auth/cookies";
import { resolveSession } from "@/server/auth/session-token";
import { SIGN_IN_LIMITS, attemptSignIn } from "@/server/auth/sign-in";
import { rateLimitedErrorCode, signInErrorMessage } from "@/server/auth/sign-in-errors";
import type { SessionUser } from "@/server/auth/session-user";
import { prisma } from "@/server/db/client";
import { env } from "@/server/env";
import { applyAsPerformer, reviewApplication, suspendUser } from "@/server/services/accounts";
import { TEST_PASSWORD, makeAdmin, makeMember } from "@/server/testing/users";

const RULE = { limit: 5, windowMs: 15 * 60 * 1000 };
const WINDOW_START = new Date("2026-03-01T10:15:00.000Z");
const at = (offsetMs: number) => new Date(WINDOW_START.getTime() + offsetMs);
const uniqueKey = () => `test:${randomUUID()}`;
const uniqueIp = () => `test-ip-${randomUUID()}`;

async function storedHits(key: string) {
  return prisma.rateLimitWindow.findUnique({ where: { key } });
}

describe("consumeRateLimit", () => {
  it("counts attempts in a window and refuses the one past the limit", async () => {
    const key = uniqueKey();
    const hits = [];
    for (let attempt = 0; attempt < 6; attempt += 1) hits.push(await consumeRateLimit(key, RULE, at(attempt * 1000)));
    expect(hits.map((hit) => [hit.hits, hit.allowed])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, false],
    ]);
    expect(hits[5]?.retryAfterSeconds).toBe(900 - 5);
    expect(hits[5]?.windowStart.toISOString()).toBe(WINDOW_START.toISOString());
  });

  it("starts again at 1 in the next window", async () => {
    const key = uniqueKey();
    for (let attempt = 0; attempt < 7; attempt += 1) await consumeRateLimit(key, RULE, at(0));
    const next = await consumeRateLimit(key, RULE, at(RULE.windowMs));
    expect(next).toMatchObject({ hits: 1, allowed: true });
    expect(await storedHits(key)).toMatchObject({ hits: 1, windowStart: at(RULE.windowMs) });
  });

  it("counts an attempt from a server whose clock lags into the current window", async () => {
    const key = uniqueKey();
    await consumeRateLimit(key, RULE, at(RULE.windowMs));
    const lagging = await consumeRateLimit(key, RULE, at(RULE.windowMs - 2000));
    expect(lagging).toMatchObject({ hits: 2, windowStart: at(RULE.windowMs) });
  });

  it("never hands the same count to two concurrent attempts", async () => {
    const key = uniqueKey();
    const hits = await Promise.all(Array.from({ length: 25 }, () => consumeRateLimit(key, RULE, at(0))));
    expect(hits.map((hit) => hit.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(RULE.limit);
  });

  it("refunds within the counted window only", async () => {
    const key = uniqueKey();
    const first = await consumeRateLimit(key, RULE, at(0));
    await consumeRateLimit(key, RULE, at(0));
    await refundRateLimit(first);
    expect((await storedHits(key))?.hits).toBe(1);

    await consumeRateLimit(key, RULE, at(RULE.windowMs));
    await refundRateLimit(first);
    expect((await storedHits(key))?.hits).toBe(1);
  });
});

describe("attemptSignIn", () => {
  let member: SessionUser;
  beforeAll(async () => {
    member = await makeMember("signin");
  });

  it("signs in with the right password in any email case and gives the attempt back", async () => {
    const ip = uniqueIp();
    const result = await attemptSignIn({ email: member.email.toUpperCase(), password: TEST_PASSWORD, ip, now: at(0) });
    expect(result).toMatchObject({ ok: true, user: { id: member.id, role: "MEMBER", sessionVersion: 1 } });
    expect((await prisma.signInBackoff.findUnique({ where: { key: `email:${member.email}` } }))?.failures).toBe(0);
    expect((await storedHits(`sign-in:ip:${ip}`))?.hits).toBe(0);
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    const ip = uniqueIp();
    expect(await attemptSignIn({ email: member.email, password: "wrong password!", ip, now: at(0) })).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
    expect(await attemptSignIn({ email: "nobody@tipmeter.test", password: TEST_PASSWORD, ip, now: at(0) })).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  describe("backoff", () => {
    const SECOND = 1000;
    const attacker = { ip: "attacker-ip" } as const;

    /** Signs in once from a browser without a device cookie and returns the cookie it is given. */
    async function ownerBrowser(email: string, now: Date): Promise<string> {
      const result = await attemptSignIn({ email, password: TEST_PASSWORD, ip: uniqueIp(), now });
      if (!result.ok) throw new Error(`owner sign-in failed: ${result.reason}`);
      return result.deviceToken;
    }

    /** Ten wrong passwords from a browser the account doesn't know, each sent as soon as the backoff allows. */
    async function attack(email: string, start: Date): Promise<Date> {
      let now = start;
      let checked = 0;
      while (checked < 10) {
        const result = await attemptSignIn({ email, password: `guess-${checked}-is-wrong`, ip: `${attacker.ip}-${checked}`, now });
        if (result.ok) throw new Error("a wrong password signed in");
        if (result.reason === "rate_limited") {
          now = new Date(now.getTime() + result.retryAfterSeconds * SECOND);
        } else {
          expect(result.reason).toBe("invalid_credentials");
          checked += 1;
        }
      }
      return now;
    }

    it("lets the owner's known browser in at once after ten wrong passwords from elsewhere", async () => {
      const owner = await makeMember("backoff-owner");
      const deviceToken = await ownerBrowser(owner.email, at(0));
      const end = await attack(owner.email, at(SECOND));

      const signedIn = await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), deviceToken, now: end });
      expect(signedIn).toMatchObject({ ok: true, user: { id: owner.id }, deviceToken });
    });

    it("refuses the right password from an unknown browser during the backoff, saying how long to wait", async () => {
      const owner = await makeMember("bo-newdev");
      const end = await attack(owner.email, at(0));

      const refused = await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), now: end });
      // Ten failures: the next check waits 2^5 x 30 s after the last one.
      expect(refused).toEqual({ ok: false, reason: "rate_limited", retryAfterSeconds: 16 * 60 });
      expect(signInErrorMessage(rateLimitedErrorCode(16 * 60))).toBe("Too many failed sign-in attempts. Try again in 16 minutes.");
      const afterWaiting = await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), now: new Date(end.getTime() + 16 * 60 * SECOND) });
      expect(afterWaiting.ok).toBe(true);
    });

    it("does not lock the owner's browser: its own typos are counted for it alone", async () => {
      const owner = await makeMember("backoff-typos");
      const deviceToken = await ownerBrowser(owner.email, at(0));
      const end = await attack(owner.email, at(SECOND));

      for (let typo = 0; typo < 5; typo += 1) {
        expect(await attemptSignIn({ email: owner.email, password: `typo-${typo}-wrong`, ip: uniqueIp(), deviceToken, now: end })).toMatchObject({
          reason: "invalid_credentials",
        });
      }
      // The sixth typo in a row backs this browser off, with its own short wait, not the attack's 16 minutes.
      expect(await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), deviceToken, now: end })).toEqual({
        ok: false,
        reason: "rate_limited",
        retryAfterSeconds: 30,
      });
      const later = await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), deviceToken, now: new Date(end.getTime() + 30 * SECOND) });
      expect(later.ok).toBe(true);
    });

    it("treats another account's device cookie, or a made-up one, as an unknown browser", async () => {
      const owner = await makeMember("backoff-foreign");
      const other = await makeMember("backoff-other");
      const othersDevice = await ownerBrowser(other.email, at(0));
      const end = await attack(owner.email, at(SECOND));
      for (const deviceToken of [othersDevice, "made-up-device-token"]) {
        expect(await attemptSignIn({ email: owner.email, password: TEST_PASSWORD, ip: uniqueIp(), deviceToken, now: end })).toMatchObject({
          reason: "rate_limited",
        });
      }
    });

    it("backs off an email with no account the same way, so answers don't reveal which exist", async () => {
      const end = await attack(`nobody-${randomUUID()}@tipmeter.test`, at(0));
      expect(end.getTime() - at(0).getTime()).toBe((30 + 60 + 120 + 240 + 480) * SECOND);
    });

    it("decides concurrent guesses one after another: only the free ones are checked", async () => {
      const owner = await makeMember("bo-parallel");
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, guess) => attemptSignIn({ email: owner.email, password: `parallel-${guess}-wrong`, ip: uniqueIp(), now: at(0) })),
      );
      expect(results.filter((result) => !result.ok && result.reason === "invalid_credentials")).toHaveLength(5);
    });
  });

  it("limits one address spraying many accounts", async () => {
    const ip = uniqueIp();
    for (let attempt = 0; attempt < SIGN_IN_LIMITS.perIp.limit; attempt += 1) {
      await attemptSignIn({ email: `spray-${attempt}@tipmeter.test`, password: "wrong password!", ip, now: at(0) });
    }
    expect(await attemptSignIn({ email: member.email, password: TEST_PASSWORD, ip, now: at(0) })).toMatchObject({
      reason: "rate_limited",
    });
    expect((await attemptSignIn({ email: member.email, password: TEST_PASSWORD, ip: uniqueIp(), now: at(0) })).ok).toBe(true);
  });

  it("tells a suspended user so, but only with the right password", async () => {
    const admin = await makeAdmin();
    const target = await makeMember("suspended");
    await suspendUser(admin, { userId: target.id, reason: "Test" });
    expect(await attemptSignIn({ email: target.email, password: TEST_PASSWORD, ip: uniqueIp(), now: at(0) })).toEqual({
      ok: false,
      reason: "suspended",
    });
    expect(await attemptSignIn({ email: target.email, password: "wrong password!", ip: uniqueIp(), now: at(0) })).toMatchObject({
      reason: "invalid_credentials",
    });
  });
});

describe("session revocation", () => {
  async function sessionCookieFor(user: SessionUser) {
    const token = await encode({
      token: { sub: user.id, role: user.role, username: user.username, sessionVersion: user.sessionVersion },
      secret: env.AUTH_SECRET,
    });
    return { getAll: () => [{ name: SESSION_COOKIE_NAME, value: token }] };
  }

  it("ends a signed-in user's session on their next request after suspension", async () => {
    const admin = await makeAdmin();
    const member = await makeMember("revoked");
    const cookies = await sessionCookieFor(member);
    expect(await resolveSession(cookies)).toMatchObject({ status: "active", user: { id: member.id } });

    await suspendUser(admin, { userId: member.id, reason: "Test" });
    expect(await resolveSession(cookies)).toEqual({ status: "revoked" });
  });

  it("treats a missing or forged cookie as signed out", async () => {
    expect(await resolveSession({ getAll: () => [] })).toEqual({ status: "anonymous" });
    expect(await resolveSession({ getAll: () => [{ name: SESSION_COOKIE_NAME, value: "forged" }] })).toEqual({
      status: "anonymous",
    });
  });

  it("refreshes the JWT role after approval and refuses to refresh a revoked one", async () => {
    const jwt = authOptions.callbacks?.jwt;
    if (!jwt) throw new Error("authOptions has no jwt callback");
    const admin = await makeAdmin();
    const member = await makeMember("approved");
    await applyAsPerformer(member, { stageName: "Fresh", bio: "" });
    await reviewApplication(admin, { userId: member.id, decision: "APPROVE" });

    const token = { sub: member.id, role: member.role, username: member.username, sessionVersion: 1 };
    const refreshed = await jwt({ token, user: undefined as never, account: null });
    expect(refreshed).toMatchObject({ role: "PERFORMER" });

    await suspendUser(admin, { userId: member.id, reason: "Test" });
    await expect(jwt({ token, user: undefined as never, account: null })).rejects.toThrow("session revoked");
  });
});
