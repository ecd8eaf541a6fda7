import { describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { attemptSignIn } from "@/server/auth/sign-in";
import { prisma } from "@/server/db/client";
import { CONFIRMATION_VALID_MS, RESEND_LIMITS, confirmEmail } from "@/server/services/accounts/email-confirmation";
import { TEST_PASSWORD, makeMember, uniqueIdentity } from "@/server/testing/users";

const visitorAt = (ip: string) => appRouter.createCaller({ user: null, ip });
const someIp = () => `203.0.113.${Math.floor(Math.random() * 250)}`;

interface QueuedEmail {
  key: string;
  to: string;
  subject: string;
  text: string;
}

async function emailsTo(email: string): Promise<QueuedEmail[]> {
  const rows = await prisma.outboxMessage.findMany({ where: { kind: "email" }, orderBy: { createdAt: "asc" } });
  return rows
    .map((row) => ({ key: row.key, ...(row.payload as { email: { to: string; subject: string; text: string } }).email }))
    .filter((message) => message.to === email);
}

async function confirmationTokens(email: string): Promise<string[]> {
  return (await emailsTo(email))
    .filter((message) => message.subject === "Confirm your email for Tipmeter")
    .map((message) => {
      const token = /\/confirm-email\?token=([\w-]+)/.exec(message.text)?.[1];
      if (!token) throw new Error(`no link in ${message.text}`);
      return token;
    });
}

async function signUpFresh(): Promise<{ email: string; token: string }> {
  const identity = uniqueIdentity("fresh");
  await visitorAt(someIp()).auth.signUp({ ...identity, password: TEST_PASSWORD });
  const [token] = await confirmationTokens(identity.email);
  if (!token) throw new Error("no confirmation email");
  return { email: identity.email, token };
}

const confirmedAt = async (email: string) => (await prisma.user.findUniqueOrThrow({ where: { email } })).emailConfirmedAt;
const failuresOf = async (email: string) => (await prisma.signInBackoff.findUnique({ where: { key: `email:${email}` } }))?.failures;

describe("sign-up can't tell a taken email from a new one", () => {
  it("answers sign-up and then sign-in with the password just chosen identically, counting both as failures", async () => {
    const owner = await makeMember("owner");
    const fresh = uniqueIdentity("fresh");
    const proberPassword = "the prober's passphrase";

    const freshSignUp = await visitorAt(someIp()).auth.signUp({ ...fresh, password: proberPassword });
    const takenSignUp = await visitorAt(someIp()).auth.signUp({ ...uniqueIdentity("probe"), email: owner.email, password: proberPassword });
    expect(takenSignUp).toEqual(freshSignUp);

    const freshSignIn = await attemptSignIn({ email: fresh.email, password: proberPassword, ip: someIp() });
    const takenSignIn = await attemptSignIn({ email: owner.email, password: proberPassword, ip: someIp() });
    expect(freshSignIn).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(takenSignIn).toEqual(freshSignIn);
    expect(await failuresOf(fresh.email)).toBe(1);
    expect(await failuresOf(owner.email)).toBe(1);
  });
});

describe("confirming a new account's email", () => {
  it("emails a one-time link stored only hashed; following it confirms, welcomes and lets the owner sign in", async () => {
    const { email, token } = await signUpFresh();
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true, emailConfirmedAt: true } });
    expect(user.emailConfirmedAt).toBeNull();
    const stored = await prisma.emailConfirmation.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.map((link) => link.expiresAt.getTime() - link.createdAt.getTime())).toEqual([CONFIRMATION_VALID_MS]);
    expect((await emailsTo(email)).map((message) => message.subject)).toEqual(["Confirm your email for Tipmeter"]);

    expect(await visitorAt(someIp()).auth.confirmEmail({ token })).toEqual({ outcome: "confirmed" });
    expect(await confirmedAt(email)).not.toBeNull();
    expect((await emailsTo(email)).map((message) => message.subject)).toEqual(["Confirm your email for Tipmeter", "Welcome to Tipmeter"]);
    expect(await attemptSignIn({ email, password: TEST_PASSWORD, ip: someIp() })).toMatchObject({ ok: true, user: { email } });
  });

  it("refuses a used link, an expired one and a wrong one clearly, changing nothing", async () => {
    const used = await signUpFresh();
    expect(await confirmEmail(used.token)).toBe("confirmed");
    const firstConfirmation = await confirmedAt(used.email);
    expect(await confirmEmail(used.token)).toBe("used");
    expect(await confirmedAt(used.email)).toEqual(firstConfirmation);

    const expired = await signUpFresh();
    expect(await confirmEmail(expired.token, new Date(Date.now() + CONFIRMATION_VALID_MS + 60_000))).toBe("expired");
    expect(await confirmedAt(expired.email)).toBeNull();
    expect(await prisma.emailConfirmation.count({ where: { user: { email: expired.email }, usedAt: { not: null } } })).toBe(0);
    expect(await attemptSignIn({ email: expired.email, password: TEST_PASSWORD, ip: someIp() })).toEqual({ ok: false, reason: "invalid_credentials" });

    const before = await prisma.emailConfirmation.count({ where: { usedAt: { not: null } } });
    expect(await visitorAt(someIp()).auth.confirmEmail({ token: `${expired.token}x` })).toEqual({ outcome: "unknown" });
    expect(await prisma.emailConfirmation.count({ where: { usedAt: { not: null } } })).toBe(before);
    expect(await confirmedAt(expired.email)).toBeNull();
  });

  it("confirms once when the same link, or two links of one account, are followed at once", async () => {
    const { email, token } = await signUpFresh();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => confirmEmail(token)));
    expect(outcomes.filter((outcome) => outcome === "confirmed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "used")).toHaveLength(5);

    const twoLinks = await signUpFresh();
    await visitorAt(someIp()).auth.resendConfirmation({ email: twoLinks.email });
    const tokens = await confirmationTokens(twoLinks.email);
    expect(tokens).toHaveLength(2);
    await Promise.all(tokens.map((each) => confirmEmail(each)));
    for (const address of [email, twoLinks.email]) {
      expect((await emailsTo(address)).filter((message) => message.subject === "Welcome to Tipmeter")).toHaveLength(1);
      expect(await confirmedAt(address)).not.toBeNull();
    }
  });
});

describe("sending the link again", () => {
  it("answers the same for a confirmed account, an unconfirmed one and an unknown email, and sends only to the unconfirmed", async () => {
    const confirmed = await makeMember("confirmed");
    const unconfirmed = await signUpFresh();
    const unknown = uniqueIdentity("nobody").email;

    const answers = [];
    for (const email of [confirmed.email, unconfirmed.email, unknown]) {
      answers.push(await visitorAt(someIp()).auth.resendConfirmation({ email }));
    }
    expect(answers).toEqual([{ submitted: true }, { submitted: true }, { submitted: true }]);
    expect(await confirmationTokens(unconfirmed.email)).toHaveLength(2);
    expect(await emailsTo(confirmed.email)).toEqual([]);
    expect(await emailsTo(unknown)).toEqual([]);
  });

  it("limits each email, whoever asks, the same way whether or not it has an account", async () => {
    const unconfirmed = await signUpFresh();
    for (const email of [unconfirmed.email, uniqueIdentity("nobody").email]) {
      for (let asked = 0; asked < RESEND_LIMITS.perEmail.limit; asked += 1) {
        await visitorAt(someIp()).auth.resendConfirmation({ email });
      }
      await expect(visitorAt(someIp()).auth.resendConfirmation({ email })).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: expect.stringMatching(/^Too many links were asked for\. Try again in \d+ minutes\.$/),
      });
    }
    expect(await confirmationTokens(unconfirmed.email)).toHaveLength(1 + RESEND_LIMITS.perEmail.limit);
  });

  it("limits each client address across emails", async () => {
    const ip = "198.51.100.77";
    for (let asked = 0; asked < RESEND_LIMITS.perIp.limit; asked += 1) {
      await visitorAt(ip).auth.resendConfirmation({ email: uniqueIdentity("spray").email });
    }
    await expect(visitorAt(ip).auth.resendConfirmation({ email: uniqueIdentity("spray").email })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(visitorAt("198.51.100.78").auth.resendConfirmation({ email: uniqueIdentity("spray").email })).resolves.toEqual({ submitted: true });
  });
});
