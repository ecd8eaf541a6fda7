import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import type { TRPCContext } from "@/server/api/trpc";
import type { SessionUser } from "@/server/auth/session-user";
import { prisma } from "@/server/db/client";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { trpcCodeOf } from "@/server/testing/api";

/**
 * Beyond the authorization matrix (authorization-matrix.int.test.ts, every procedure as every kind of caller):
 * ids slipped into inputs that have none, admin actions leaving their target untouched, and how refusals map.
 */
type Tier = "anonymous" | "member" | "performer" | "admin";

const users = {} as Record<Exclude<Tier, "anonymous">, SessionUser>;
let bystander: SessionUser;

beforeAll(async () => {
  users.admin = await makeAdmin();
  users.member = await makeMember();
  users.performer = await makePerformer(users.admin, "Tier Performer");
  bystander = await makeMember("bystander");
});

function callerFor(tier: Tier) {
  const ctx: TRPCContext = { user: tier === "anonymous" ? null : users[tier], ip: "127.0.0.1" };
  return appRouter.createCaller(ctx);
}

describe("acting on other users", () => {
  it.each<Tier>(["anonymous", "member", "performer"])("%s can't suspend another user", async (tier) => {
    const code = await trpcCodeOf(() => callerFor(tier).admin.users.suspend({ userId: bystander.id, reason: "Not allowed" }));
    expect(code).toBe(tier === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN");
    expect((await prisma.user.findUniqueOrThrow({ where: { id: bystander.id } })).status).toBe("ACTIVE");
  });

  it.each<Tier>(["member", "performer"])("%s can't review someone's application", async (tier) => {
    const applicant = await makeMember("applicant");
    await appRouter.createCaller({ user: applicant, ip: "127.0.0.1" }).performers.submitApplication({ stageName: "Hopeful", bio: "" });
    expect(await trpcCodeOf(() => callerFor(tier).admin.applications.review({ userId: applicant.id, decision: "APPROVE" }))).toBe(
      "FORBIDDEN",
    );
    expect((await prisma.performerProfile.findUniqueOrThrow({ where: { userId: applicant.id } })).status).toBe("PENDING");
  });

  it("a performer's profile edit changes their own profile even when another user's id is slipped in", async () => {
    const other = await makePerformer(users.admin, "Other Performer");
    const input = { stageName: "Renamed", bio: "Mine", userId: other.id } as { stageName: string; bio: string };
    await callerFor("performer").performers.updateMyProfile(input);

    expect(await prisma.performerProfile.findUniqueOrThrow({ where: { userId: other.id } })).toMatchObject({
      stageName: "Other Performer",
    });
    expect(await prisma.performerProfile.findUniqueOrThrow({ where: { userId: users.performer.id } })).toMatchObject({
      stageName: "Renamed",
      bio: "Mine",
    });
  });

  it("an application is always filed for the signed-in member", async () => {
    const applicant = await makeMember("self");
    const input = { stageName: "Self", bio: "", userId: bystander.id } as { stageName: string; bio: string };
    await appRouter.createCaller({ user: applicant, ip: "127.0.0.1" }).performers.submitApplication(input);
    expect(await prisma.performerProfile.findUnique({ where: { userId: bystander.id } })).toBeNull();
    expect(await prisma.performerProfile.findUnique({ where: { userId: applicant.id } })).toMatchObject({ stageName: "Self" });
  });
});

describe("error mapping", () => {
  it("maps a service's DomainError to the matching tRPC code, keeping its message and code", async () => {
    const error = await callerFor("admin")
      .admin.users.suspend({ userId: users.admin.id, reason: "Self" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "CONFLICT", message: "You can't suspend your own account." });
    expect((error as TRPCError).cause).toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("rejects invalid input before the service runs", async () => {
    expect(await trpcCodeOf(() => callerFor("admin").admin.users.suspend({ userId: "not-a-uuid", reason: "x" }))).toBe("BAD_REQUEST");
  });
});
