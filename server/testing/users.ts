import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/server/auth/session-user";
import type { Role } from "@/server/generated/prisma/enums";
import { SYSTEM_ACTOR, applyAsPerformer, createAdmin, createMember, reviewApplication } from "@/server/services/accounts";

/** Test helpers: real accounts made through the real use cases, each with a unique email and username. */
export const TEST_PASSWORD = "a test passphrase";

export function uniqueIdentity(label: string) {
  const suffix = randomUUID().slice(0, 8);
  return { email: `${label}-${suffix}@tipmeter.test`, username: `${label}-${suffix}`, displayName: `${label} ${suffix}` };
}

function asSessionUser(user: { id: string; email: string; username: string; displayName: string; role: Role }): SessionUser {
  return { id: user.id, email: user.email, username: user.username, displayName: user.displayName, role: user.role, sessionVersion: 1 };
}

export async function makeAdmin(): Promise<SessionUser> {
  return asSessionUser(await createAdmin(SYSTEM_ACTOR, { ...uniqueIdentity("admin"), password: TEST_PASSWORD }));
}

export async function makeMember(label = "member"): Promise<SessionUser> {
  return asSessionUser(await createMember(null, { ...uniqueIdentity(label), password: TEST_PASSWORD }, { announce: false }));
}

/** A member who applied and was approved, so a PERFORMER with an APPROVED profile. */
export async function makePerformer(admin: SessionUser, stageName = "Test Performer"): Promise<SessionUser> {
  const member = await makeMember("performer");
  await applyAsPerformer(member, { stageName, bio: "Bio" });
  await reviewApplication(admin, { userId: member.id, decision: "APPROVE" }, { announce: false });
  return { ...member, role: "PERFORMER" };
}
