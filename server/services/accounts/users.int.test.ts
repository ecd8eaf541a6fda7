import { beforeAll, describe, expect, it, vi } from "vitest";
import * as password from "@/server/auth/password";
import { appRouter } from "@/server/api/root";
import { loadActiveSessionUser } from "@/server/auth/session-user";
import { SIGN_UP_LIMIT } from "@/server/auth/sign-up-limit";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import {
  applyAsPerformer,
  createMember,
  getPublicPerformer,
  listApprovedPerformers,
  reactivateUser,
  reviewApplication,
  suspendUser,
  updatePerformerProfile,
} from "@/server/services/accounts";
import { TEST_PASSWORD, makeAdmin, makeMember, makePerformer, uniqueIdentity } from "@/server/testing/users";
import type { SessionUser } from "@/server/auth/session-user";

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

async function auditRows(targetId: string) {
  return prisma.auditLog.findMany({ where: { targetId }, orderBy: { id: "asc" } });
}

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
});

describe("createMember", () => {
  it("creates an active member with a normalised email and an argon2id hash", async () => {
    const identity = uniqueIdentity("mia");
    const user = await createMember(null, { ...identity, email: identity.email.toUpperCase(), password: TEST_PASSWORD });
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored).toMatchObject({ email: identity.email, role: "MEMBER", status: "ACTIVE", sessionVersion: 1 });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it.each([
    ["email (in any case)", (taken: ReturnType<typeof uniqueIdentity>) => ({ ...uniqueIdentity("x"), email: taken.email.toUpperCase() }), ["email"]],
    ["username", (taken: ReturnType<typeof uniqueIdentity>) => ({ ...uniqueIdentity("x"), username: taken.username }), ["username"]],
    ["email and username", (taken: ReturnType<typeof uniqueIdentity>) => ({ ...taken, displayName: "Someone else" }), ["email", "username"]],
  ])("refuses a duplicate %s with a field error", async (_, duplicateOf, fields) => {
    const taken = uniqueIdentity("taken");
    await createMember(null, { ...taken, password: TEST_PASSWORD });
    const error = await domainError(createMember(null, { ...duplicateOf(taken), password: TEST_PASSWORD }));
    expect(error.code).toBe("CONFLICT");
    expect(Object.keys(error.details?.fieldErrors as object).sort()).toEqual(fields);
  });

  it("lets exactly one of two simultaneous sign-ups with the same email through", async () => {
    const identity = uniqueIdentity("race");
    const results = await Promise.allSettled([
      createMember(null, { ...identity, password: TEST_PASSWORD }),
      createMember(null, { ...identity, username: uniqueIdentity("race").username, password: TEST_PASSWORD }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toMatchObject({ code: "CONFLICT" });
    expect(await prisma.user.count({ where: { email: identity.email } })).toBe(1);
  });

  it("rejects invalid input with field errors", async () => {
    const error = await domainError(createMember(null, { ...uniqueIdentity("bad"), email: "nope", password: "short" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details?.fieldErrors).toMatchObject({ email: expect.any(Array), password: expect.any(Array) });
  });

  it("refuses a signed-in member and audits an admin creating an account", async () => {
    const member = await makeMember();
    expect((await domainError(createMember(member, { ...uniqueIdentity("y"), password: TEST_PASSWORD }))).code).toBe("CONFLICT");

    const created = await createMember(admin, { ...uniqueIdentity("by-admin"), password: TEST_PASSWORD });
    expect(await auditRows(created.id)).toMatchObject([{ actorId: admin.id, action: "user.created", targetType: "user" }]);
  });

  it("files a pending performer application in the same step when asked", async () => {
    const user = await createMember(null, {
      ...uniqueIdentity("applicant"),
      password: TEST_PASSWORD,
      performerApplication: { stageName: "Nova", bio: "Synths" },
    });
    const profile = await prisma.performerProfile.findUniqueOrThrow({ where: { userId: user.id } });
    expect(profile).toMatchObject({ stageName: "Nova", bio: "Synths", status: "PENDING" });
    expect(user.role).toBe("MEMBER");
  });
});

describe("performer applications", () => {
  it("approves: the member becomes a performer and the admin's decision is audited", async () => {
    const member = await makeMember();
    await applyAsPerformer(member, { stageName: "Luna", bio: "Songs" });
    await reviewApplication(admin, { userId: member.id, decision: "APPROVE" });

    const user = await prisma.user.findUniqueOrThrow({ where: { id: member.id }, include: { performerProfile: true } });
    expect(user.role).toBe("PERFORMER");
    expect(user.performerProfile).toMatchObject({ status: "APPROVED", reviewedById: admin.id, reviewNote: null });
    expect(user.performerProfile?.reviewedAt).toBeInstanceOf(Date);
    expect((await auditRows(member.id)).map((row) => [row.action, row.actorId])).toEqual([
      ["performer_application.submitted", member.id],
      ["performer_application.approved", admin.id],
    ]);
  });

  it("rejects only with a note, keeps the member a member, and lets them apply again", async () => {
    const member = await makeMember();
    await applyAsPerformer(member, { stageName: "Rex", bio: "" });

    const noNote = await domainError(reviewApplication(admin, { userId: member.id, decision: "REJECT", note: " " }));
    expect(noNote.code).toBe("BAD_REQUEST");
    expect(noNote.details?.fieldErrors).toHaveProperty("note");

    await reviewApplication(admin, { userId: member.id, decision: "REJECT", note: "Add a bio, please" });
    const rejected = await prisma.user.findUniqueOrThrow({ where: { id: member.id }, include: { performerProfile: true } });
    expect(rejected.role).toBe("MEMBER");
    expect(rejected.performerProfile).toMatchObject({ status: "REJECTED", reviewNote: "Add a bio, please", reviewedById: admin.id });
    expect((await auditRows(member.id)).at(-1)).toMatchObject({
      action: "performer_application.rejected",
      actorId: admin.id,
      details: { note: "Add a bio, please" },
    });

    await applyAsPerformer(member, { stageName: "Chef Rex", bio: "Now with a bio" });
    expect(await prisma.performerProfile.findUniqueOrThrow({ where: { userId: member.id } })).toMatchObject({
      stageName: "Chef Rex",
      status: "PENDING",
      reviewNote: null,
      reviewedById: null,
      reviewedAt: null,
    });
  });

  it("refuses a second application while one is pending, and applications from admins and performers", async () => {
    const member = await makeMember();
    await applyAsPerformer(member, { stageName: "Once", bio: "" });
    expect((await domainError(applyAsPerformer(member, { stageName: "Twice", bio: "" }))).code).toBe("CONFLICT");
    expect((await domainError(applyAsPerformer(admin, { stageName: "Boss", bio: "" }))).code).toBe("FORBIDDEN");
    const performer = await makePerformer(admin);
    expect((await domainError(applyAsPerformer(performer, { stageName: "Again", bio: "" }))).code).toBe("CONFLICT");
  });

  it("lets only one of two simultaneous reviews win", async () => {
    const member = await makeMember();
    await applyAsPerformer(member, { stageName: "Contested", bio: "" });
    const secondAdmin = await makeAdmin();
    const results = await Promise.allSettled([
      reviewApplication(admin, { userId: member.id, decision: "APPROVE" }),
      reviewApplication(secondAdmin, { userId: member.id, decision: "REJECT", note: "Not now" }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const decisions = (await auditRows(member.id)).filter((row) => row.action !== "performer_application.submitted");
    expect(decisions).toHaveLength(1);
  });

  it("refuses reviews by non-admins, of missing applications and of decided ones", async () => {
    const member = await makeMember();
    await applyAsPerformer(member, { stageName: "Pending", bio: "" });
    expect((await domainError(reviewApplication(member, { userId: member.id, decision: "APPROVE" }))).code).toBe("FORBIDDEN");

    const nobody = await makeMember();
    expect((await domainError(reviewApplication(admin, { userId: nobody.id, decision: "APPROVE" }))).code).toBe("NOT_FOUND");

    await reviewApplication(admin, { userId: member.id, decision: "APPROVE" });
    expect((await domainError(reviewApplication(admin, { userId: member.id, decision: "APPROVE" }))).code).toBe("CONFLICT");
  });
});

describe("suspension", () => {
  it("suspends, ends every session by bumping sessionVersion, and audits the reason", async () => {
    const member = await makeMember();
    expect(await loadActiveSessionUser(member.id, 1)).toMatchObject({ id: member.id });

    await suspendUser(admin, { userId: member.id, reason: "Chargeback fraud" });

    const stored = await prisma.user.findUniqueOrThrow({ where: { id: member.id } });
    expect(stored).toMatchObject({ status: "SUSPENDED", sessionVersion: 2 });
    expect(await loadActiveSessionUser(member.id, 1)).toBeNull();
    expect(await loadActiveSessionUser(member.id, 2)).toBeNull();
    expect((await auditRows(member.id)).at(-1)).toMatchObject({
      action: "user.suspended",
      actorId: admin.id,
      details: { reason: "Chargeback fraud" },
    });
  });

  it("reactivates without reviving old sessions", async () => {
    const member = await makeMember();
    await suspendUser(admin, { userId: member.id, reason: "Mistake" });
    await reactivateUser(admin, { userId: member.id });

    expect(await prisma.user.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ status: "ACTIVE", sessionVersion: 2 });
    expect(await loadActiveSessionUser(member.id, 1)).toBeNull();
    expect(await loadActiveSessionUser(member.id, 2)).toMatchObject({ id: member.id });
    expect((await auditRows(member.id)).at(-1)).toMatchObject({ action: "user.reactivated", actorId: admin.id });
  });

  it.each([
    ["suspending oneself", () => suspendUser(admin, { userId: admin.id, reason: "Oops" }), "PRECONDITION_FAILED"],
    ["a member suspending someone", async () => suspendUser(await makeMember(), { userId: admin.id, reason: "Revenge" }), "FORBIDDEN"],
    ["suspending an unknown user", () => suspendUser(admin, { userId: "00000000-0000-4000-8000-000000000000", reason: "Who" }), "NOT_FOUND"],
    ["reactivating an active user", async () => reactivateUser(admin, { userId: (await makeMember()).id }), "CONFLICT"],
    ["suspending without a reason", async () => suspendUser(admin, { userId: (await makeMember()).id, reason: "" }), "BAD_REQUEST"],
  ])("refuses %s", async (_, action, code) => {
    expect((await domainError(action())).code).toBe(code);
  });

  it("refuses to suspend twice and writes no second audit row", async () => {
    const member = await makeMember();
    await suspendUser(admin, { userId: member.id, reason: "First" });
    expect((await domainError(suspendUser(admin, { userId: member.id, reason: "Second" }))).code).toBe("CONFLICT");
    expect((await auditRows(member.id)).filter((row) => row.action === "user.suspended")).toHaveLength(1);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: member.id } })).sessionVersion).toBe(2);
  });
});

describe("public performers", () => {
  it("lists approved, active performers only", async () => {
    const visible = await makePerformer(admin, "Visible Star");
    const suspended = await makePerformer(admin, "Hidden Star");
    await suspendUser(admin, { userId: suspended.id, reason: "Test" });
    const pending = await makeMember();
    await applyAsPerformer(pending, { stageName: "Pending Star", bio: "" });

    const names = (await listApprovedPerformers(100)).map((performer) => performer.stageName);
    expect(names).toContain("Visible Star");
    expect(names).not.toContain("Hidden Star");
    expect(names).not.toContain("Pending Star");
    expect(await getPublicPerformer(visible.username.toUpperCase())).toMatchObject({ stageName: "Visible Star" });
    expect((await domainError(getPublicPerformer(pending.username))).code).toBe("NOT_FOUND");
  });

  it("lets a performer edit their own profile only", async () => {
    const performer = await makePerformer(admin, "Before");
    await updatePerformerProfile(performer, { stageName: "After", bio: "New bio" });
    expect(await getPublicPerformer(performer.username)).toMatchObject({ stageName: "After", bio: "New bio" });
    expect((await domainError(updatePerformerProfile(await makeMember(), { stageName: "Nope", bio: "" }))).code).toBe("FORBIDDEN");
  });
});

describe("sign-up rate limit", () => {
  it("takes 20 sign-ups an hour from one address and refuses the next, leaving other addresses alone", async () => {
    const from = (ip: string) => appRouter.createCaller({ user: null, ip });
    const ip = "198.51.100.20";
    for (let index = 0; index < SIGN_UP_LIMIT.limit; index += 1) {
      await from(ip).auth.signUp({ ...uniqueIdentity("burst"), password: TEST_PASSWORD });
    }
    const refusedIdentity = uniqueIdentity("burst");
    await expect(from(ip).auth.signUp({ ...refusedIdentity, password: TEST_PASSWORD })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/^Too many accounts were created from your network\. Try again in \d+ minutes\.$/),
    });
    expect(await prisma.user.count({ where: { email: refusedIdentity.email } })).toBe(0);
    await expect(from("203.0.113.9").auth.signUp({ ...uniqueIdentity("neighbour"), password: TEST_PASSWORD })).resolves.toEqual({ submitted: true });
  });
});

describe("sign-up with an email that already has an account", () => {
  const visitor = () => appRouter.createCaller({ user: null, ip: `203.0.113.${Math.floor(Math.random() * 250)}` });

  async function emailsAbout(userId: string) {
    const rows = await prisma.outboxMessage.findMany({ where: { key: { startsWith: `user:${userId}:` } }, orderBy: { key: "asc" } });
    return rows.map((row) => ({ key: row.key, payload: row.payload as { email?: { to: string; subject: string; text: string } } }));
  }

  it("answers exactly as for a new email, makes no account, and tells the owner instead", async () => {
    const fresh = uniqueIdentity("fresh");
    const freshAnswer = await visitor().auth.signUp({ ...fresh, password: TEST_PASSWORD });
    const owner = await makeMember("owner");
    const takenAnswer = await visitor().auth.signUp({ ...uniqueIdentity("probe"), email: owner.email.toUpperCase(), password: "the prober's passphrase" });

    expect(takenAnswer).toEqual(freshAnswer);
    expect(await prisma.user.count({ where: { email: owner.email } })).toBe(1);
    const attempts = (await emailsAbout(owner.id)).filter((row) => row.key.includes(":sign-up-attempt:"));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.payload.email).toMatchObject({ to: owner.email, subject: "Someone tried to sign up with your email" });
    expect(attempts[0]?.payload.email?.text).toContain(`already belongs to your account @${owner.username}`);
    expect(attempts[0]?.payload.email?.text).toContain("/sign-in");
  });

  it("still hashes the password, so a taken email isn't the quick answer", async () => {
    const owner = await makeMember("timed");
    const hashes = vi.spyOn(password, "hashPassword");
    await visitor().auth.signUp({ ...uniqueIdentity("timed"), email: owner.email, password: TEST_PASSWORD });
    expect(hashes).toHaveBeenCalledTimes(1);
    hashes.mockRestore();
  });

  it("emails the owner at most once an hour however often it is tried", async () => {
    const owner = await makeMember("pestered");
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await visitor().auth.signUp({ ...uniqueIdentity("pest"), email: owner.email, password: TEST_PASSWORD });
    }
    expect((await emailsAbout(owner.id)).filter((row) => row.key.includes(":sign-up-attempt:"))).toHaveLength(1);
  });

  it("still reports a taken username, which is public, whether or not the email is taken", async () => {
    const owner = await makeMember("namesake");
    for (const email of [owner.email, uniqueIdentity("free").email]) {
      await expect(visitor().auth.signUp({ ...uniqueIdentity("x"), username: owner.username, email, password: TEST_PASSWORD })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "This username is taken; choose another.",
      });
    }
  });
});
