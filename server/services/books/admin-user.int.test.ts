import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { pool } from "@/server/db/client";
import { callerAs, expectLedgerInvariantsHold, trpcCodeOf } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { configurePayouts, readyToWithdraw } from "@/server/testing/payouts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";

/**
 * The admin's user page reads one user with `ledger.user`: the balances must be the users table's for that user
 * (one statement serves both), with the open withdrawals that explain what is held, and only admins may read it.
 */

let admin: SessionUser;
let member: SessionUser;
let performer: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember("pagemember");
  performer = await makePerformer(admin, "Page Performer");
  await configurePayouts(admin);

  await fundUser(pool, member.id, 40n);
  await callerAs(admin).ledger.adjust({ userId: member.id, wallet: "usd", amount: "12.34", reason: "Refund of a card fee", idempotencyKey: randomUUID() });

  // A performer with earnings still maturing, matured earnings, and part of them held by a withdrawal request.
  await fundUser(pool, performer.id, 300n, "pending");
  await fundUser(pool, performer.id, 2_000n, "earnings");
  await readyToWithdraw(performer);
  await callerAs(performer).payouts.withdrawals.request({ credits: 500n, idempotencyKey: randomUUID() });
});

/** The same user's row in the users table, found by their id as an admin would search for it. */
async function tableRow(user: SessionUser) {
  const { users } = await callerAs(admin).ledger.users({ search: user.id });
  expect(users).toHaveLength(1);
  return users[0];
}

describe("ledger.user", () => {
  it("gives a member the users table's balances, every wallet in its own currency", async () => {
    const details = await callerAs(admin).ledger.user({ userId: member.id });
    const { hasCardTab, openWithdrawals, ...row } = details;
    expect(row).toEqual(await tableRow(member));

    const wallet = (id: string) => details.wallets.find((candidate) => candidate.id === id);
    expect(wallet("credits")).toMatchObject({ currency: "CRD", exponent: 0, balance: 40n });
    expect(wallet("usd")).toMatchObject({ currency: "USD", exponent: 2, balance: 1234n });
    expect(details.available).toBe(40n);
    expect(hasCardTab).toBe(false);
    expect(openWithdrawals).toEqual({ count: 0, credits: 0n });
  });

  it("gives a performer pending, matured and held earnings, the held part explained by the open withdrawal", async () => {
    const details = await callerAs(admin).ledger.user({ userId: performer.id });
    const { hasCardTab, openWithdrawals, ...row } = details;
    expect(row).toEqual(await tableRow(performer));
    expect(hasCardTab).toBe(false);

    expect(details).toMatchObject({ role: "PERFORMER", pending: 300n, earnings: 1_500n, held: 500n });
    expect(details.wallets.find((wallet) => wallet.id === "earnings")?.balance).toBe(1_500n);
    expect(openWithdrawals).toEqual({ count: 1, credits: 500n });
  });

  it("follows an adjustment at once, as the table does", async () => {
    const before = await callerAs(admin).ledger.user({ userId: member.id });
    await callerAs(admin).ledger.adjust({ userId: member.id, wallet: "credits", amount: "-15", reason: "Duplicate goodwill", idempotencyKey: randomUUID() });
    const after = await callerAs(admin).ledger.user({ userId: member.id });
    expect(after.available).toBe(before.available - 15n);
    expect(after.wallets.find((wallet) => wallet.id === "credits")?.balance).toBe(before.available - 15n);
    expect((await tableRow(member))?.available).toBe(after.available);
  });

  it("refuses everyone but admins, an unknown user as not found and a malformed id as a bad request", async () => {
    const read = (caller: SessionUser | null, userId: string) => () => callerAs(caller).ledger.user({ userId });
    expect(await trpcCodeOf(read(null, member.id))).toBe("UNAUTHORIZED");
    expect(await trpcCodeOf(read(member, member.id))).toBe("FORBIDDEN");
    expect(await trpcCodeOf(read(performer, performer.id))).toBe("FORBIDDEN");
    expect(await trpcCodeOf(read(performer, member.id))).toBe("FORBIDDEN");
    expect(await trpcCodeOf(read(admin, randomUUID()))).toBe("NOT_FOUND");
    expect(await trpcCodeOf(read(admin, "not-a-user-id"))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(read(admin, `${member.id}'--`))).toBe("BAD_REQUEST");
  });

  it("names the user's own legs in the explorer, so the page can show what each transaction did to them", async () => {
    const { transactions } = await callerAs(admin).ledger.explore({ userId: performer.id, limit: 10 });
    const hold = transactions.find((transaction) => transaction.kind === "WITHDRAWAL_HOLD");
    const own = hold?.entries.filter((entry) => entry.ownerId === performer.id).map((entry) => [entry.accountType, entry.amount]);
    expect(own).toEqual(expect.arrayContaining([["EARNINGS", -500n], ["HELD", 500n]]));
    expect(hold?.entries.every((entry) => entry.ownerId === performer.id)).toBe(true);
    await expectLedgerInvariantsHold();
  });
});
