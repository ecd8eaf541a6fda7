import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { usersWithBalances } from "@/server/services/books/ledger-admin";
import { applyAsPerformer, suspendUser } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

/** The filters and sorts the admin users table relies on, beyond what the money router tests cover. */

let admin: SessionUser;
let performer: SessionUser;
let applicant: SessionUser;
let suspended: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  performer = await makePerformer(admin, "Filter Performer");
  applicant = await makeMember("applicant");
  await applyAsPerformer(applicant, { stageName: "Hopeful", bio: "" });
  suspended = await makeMember("suspended");
  await suspendUser(admin, { userId: suspended.id, reason: "Test" });
});

const defaults = { sort: "createdAt", direction: "desc", page: 1, pageSize: 100 } as const;

describe("usersWithBalances", () => {
  it("filters by role and by status", async () => {
    const performers = await usersWithBalances({ ...defaults, role: "PERFORMER" });
    expect(performers.users.every((user) => user.role === "PERFORMER")).toBe(true);
    expect(performers.users.map((user) => user.id)).toContain(performer.id);

    const suspendedUsers = await usersWithBalances({ ...defaults, status: "SUSPENDED" });
    expect(suspendedUsers.users.map((user) => user.id)).toEqual([suspended.id]);
    expect(suspendedUsers.total).toBe(1);
  });

  it("finds a user by their exact id, in any letter case", async () => {
    const { users } = await usersWithBalances({ ...defaults, search: ` ${applicant.id.toUpperCase()} ` });
    expect(users.map((user) => user.id)).toEqual([applicant.id]);
  });

  it("reports each user's performer application", async () => {
    const { users } = await usersWithBalances({ ...defaults });
    const statusOf = (id: string) => users.find((user) => user.id === id)?.applicationStatus;
    expect(statusOf(applicant.id)).toBe("PENDING");
    expect(statusOf(performer.id)).toBe("APPROVED");
    expect(statusOf(admin.id)).toBeNull();
  });

  it("sorts by display name", async () => {
    const { users } = await usersWithBalances({ ...defaults, sort: "displayName", direction: "asc" });
    const ours = [suspended, performer, admin, applicant].map((user) => user.id);
    const order = users.map((user) => user.id).filter((id) => ours.includes(id));
    // Display names start "admin …", "applicant …", "performer …", "suspended …".
    expect(order).toEqual([admin.id, applicant.id, performer.id, suspended.id]);
  });
});
