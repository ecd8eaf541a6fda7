import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { callerAs, expectLedgerInvariantsHold, ledgerRowCounts, refusalCodeOf, trpcCodeOf } from "@/server/testing/api";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { listWalletTypes } from "@/server/services/wallet/wallet-types";

/**
 * The admin's wallet types, currencies and per-wallet adjustments against a real database: who may change them,
 * bad input changing nothing, the trigger opening wallets for everyone, and deactivation refused while a built-in
 * or a wallet holding money depends on it.
 */

let admin: SessionUser;
let member: SessionUser;
let performer: SessionUser;

const rules = {
  description: "Kept for later.",
  paysFor: [] as ("TIPS" | "SHOWS" | "CONTENT" | "MEMBERSHIPS" | "STORE" | "PAYMENT_REQUESTS")[],
  transferable: false,
  withdrawable: false,
  storeShareCapBps: 10_000,
  exchangeIn: true,
  exchangeOut: true,
  position: 20,
};

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember("wallets");
  performer = await makePerformer(admin, "Wallet Star");
});

afterEach(async () => {
  await expectLedgerInvariantsHold();
});

afterAll(async () => {
  await closeDb();
});

/** Everything a refused change must leave as it was: types, currencies, accounts, ledger rows and the audit log. */
async function snapshot() {
  const { rows } = await pool.query(
    `SELECT (SELECT json_agg(wt ORDER BY wt.id) FROM wallet_types wt) AS types,
            (SELECT json_agg(c ORDER BY c.code) FROM currencies c) AS currencies,
            (SELECT count(*)::int FROM ledger_accounts) AS accounts,
            (SELECT count(*)::int FROM audit_log) AS audit`,
  );
  return { ...rows[0], ledger: await ledgerRowCounts() };
}

async function walletAccountsOf(typeId: string): Promise<string[]> {
  const { rows } = await pool.query<{ code: string }>("SELECT code FROM ledger_accounts WHERE wallet_type_id = $1 ORDER BY code", [typeId]);
  return rows.map((row) => row.code);
}

async function auditRows(action: string, targetId: string) {
  const { rows } = await pool.query("SELECT actor_id, details FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id", [action, targetId]);
  return rows;
}

const adjust = (user: SessionUser, wallet: string, amount: string, reason = "Support correction") =>
  callerAs(admin).ledger.adjust({ userId: user.id, wallet, amount, reason, idempotencyKey: randomUUID() });

describe("who may manage wallet types and currencies", () => {
  const newType = () => ({ ...rules, id: `nope-${randomUUID().slice(0, 6)}`, name: "Nope", currency: "CRD", active: true });
  it.each([
    ["types", (api: ReturnType<typeof callerAs>) => api.adminWallets.types()],
    ["currencies", (api: ReturnType<typeof callerAs>) => api.adminWallets.currencies()],
    ["createType", (api: ReturnType<typeof callerAs>) => api.adminWallets.createType(newType())],
    ["updateType", (api: ReturnType<typeof callerAs>) => api.adminWallets.updateType({ ...rules, id: "bonus", name: "Hacked" })],
    ["setTypeActive", (api: ReturnType<typeof callerAs>) => api.adminWallets.setTypeActive({ id: "mxn", active: true })],
    ["createCurrency", (api: ReturnType<typeof callerAs>) => api.adminWallets.createCurrency({ code: "HAX", name: "Hack", kind: "POINTS", exponent: 0 })],
    ["setCurrencyActive", (api: ReturnType<typeof callerAs>) => api.adminWallets.setCurrencyActive({ code: "EUR", active: false })],
  ])("%s refuses the signed out, members and performers, and changes nothing", async (_name, call) => {
    const before = await snapshot();
    expect(await trpcCodeOf(() => call(callerAs(null)))).toBe("UNAUTHORIZED");
    expect(await trpcCodeOf(() => call(callerAs(member)))).toBe("FORBIDDEN");
    expect(await trpcCodeOf(() => call(callerAs(performer)))).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });
});

describe("creating a wallet type", () => {
  it("opens a wallet for every existing user at once, and for users who sign up later", async () => {
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM users ORDER BY id");
    await callerAs(admin).adminWallets.createType({ ...rules, id: "savings", name: "Savings", currency: "CRD", active: true, paysFor: ["TIPS"] });

    expect(await walletAccountsOf("savings")).toEqual(rows.map((user) => `user:${user.id}:savings:CRD`).sort());
    const later = await makeMember("later");
    expect(await walletAccountsOf("savings")).toContain(`user:${later.id}:savings:CRD`);
    expect(await auditRows("wallet_type.create", "savings")).toEqual([{ actor_id: admin.id, details: expect.objectContaining({ name: "Savings", currency: "CRD", paysFor: ["TIPS"] }) }]);

    const listed = (await callerAs(admin).adminWallets.types()).find((type) => type.id === "savings");
    expect(listed).toMatchObject({ accountKind: "savings", active: true, builtIn: false, holders: 0, total: 0n });
    expect(listed?.uses).toEqual(["Pays for tips.", "Cannot be sent to other members.", "Cannot be withdrawn.", "You can exchange into and out of it."]);
  });

  it("an inactive type opens no wallets until it is activated", async () => {
    await callerAs(admin).adminWallets.createType({ ...rules, id: "dormant", name: "Dormant", currency: "PTS", active: false });
    expect(await walletAccountsOf("dormant")).toEqual([]);
    await callerAs(admin).adminWallets.setTypeActive({ id: "dormant", active: true });
    expect((await walletAccountsOf("dormant")).length).toBeGreaterThan(2);
    expect(await auditRows("wallet_type.activate", "dormant")).toHaveLength(1);
  });

  it.each([
    ["an id that is not a slug", { id: "Big Savings" }, "BAD_REQUEST"],
    ["an id reserved for pending earnings", { id: "pending" }, "BAD_REQUEST"],
    ["an id already taken", { id: "bonus" }, "CONFLICT"],
    ["an unknown currency", { currency: "ZZZ" }, "NOT_FOUND"],
    ["an inactive currency", { currency: "OLDPTS" }, "PRECONDITION_FAILED"],
    ["uses for a wallet not in credits", { currency: "USD", paysFor: ["TIPS"] }, "BAD_REQUEST"],
    ["a store share above 100%", { storeShareCapBps: 10_001 }, "BAD_REQUEST"],
    ["a one-letter name", { name: "X" }, "BAD_REQUEST"],
  ] as const)("refuses %s and changes nothing", async (_name, override: { paysFor?: readonly "TIPS"[] } & Record<string, unknown>, code) => {
    await pool.query("INSERT INTO currencies (code, name, kind, exponent, active) VALUES ('OLDPTS', 'Old points', 'POINTS', 0, false) ON CONFLICT DO NOTHING");
    const before = await snapshot();
    const input = { ...rules, id: "refused", name: "Refused", currency: "CRD", active: true, ...override, paysFor: [...(override.paysFor ?? [])] };
    expect(await refusalCodeOf(() => callerAs(admin).adminWallets.createType(input))).toBe(code);
    expect(await snapshot()).toEqual(before);
  });
});

describe("editing a wallet type", () => {
  it("changes its rules, keeps id, currency and account kind, and audits before and after", async () => {
    await callerAs(admin).adminWallets.updateType({ ...rules, id: "bonus", name: "Promo", paysFor: ["TIPS", "STORE"], storeShareCapBps: 2_500 });
    const bonus = (await callerAs(admin).adminWallets.types()).find((type) => type.id === "bonus");
    expect(bonus).toMatchObject({ name: "Promo", currency: "CRD", accountKind: "bonus", paysFor: ["TIPS", "STORE"], storeShareCapBps: 2_500 });
    expect(bonus?.uses).toContain("Covers at most 25% of a store order.");
    const [row] = await auditRows("wallet_type.update", "bonus");
    expect(row.details).toMatchObject({ before: { name: "Bonus", storeShareCapBps: 5_000 }, after: { name: "Promo", storeShareCapBps: 2_500 } });
  });

  it("refuses uses for a wallet not in credits, and an unknown type, changing nothing", async () => {
    const before = await snapshot();
    expect(await refusalCodeOf(() => callerAs(admin).adminWallets.updateType({ ...rules, id: "usd", name: "Dollars", paysFor: ["TIPS"] }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => callerAs(admin).adminWallets.updateType({ ...rules, id: "ghost", name: "Ghost" }))).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });

  it("the database itself keeps a type's currency", async () => {
    await expect(pool.query("UPDATE wallet_types SET currency = 'USD' WHERE id = 'bonus'")).rejects.toMatchObject({ code: "TM031" });
  });
});

describe("deactivating a wallet type", () => {
  it.each(["credits", "earnings"])("refuses the built-in %s wallet (and so does the database)", async (id) => {
    const before = await snapshot();
    await expect(callerAs(admin).adminWallets.setTypeActive({ id, active: false })).rejects.toThrow(/built in/);
    expect(await snapshot()).toEqual(before);
    await expect(pool.query("UPDATE wallet_types SET active = false WHERE id = $1", [id])).rejects.toMatchObject({ code: "TM031" });
  });

  it("refuses a type whose wallets hold money, naming the total; allows it once they are at zero, and its wallets go from users' lists", async () => {
    await adjust(member, "savings", "30");
    await adjust(performer, "savings", "12");
    const before = await snapshot();
    await expect(callerAs(admin).adminWallets.setTypeActive({ id: "savings", active: false })).rejects.toThrow(
      "The Savings wallet cannot be deactivated: 2 wallets still hold a balance (42 credits in total). Bring them to zero first.",
    );
    expect(await snapshot()).toEqual(before);

    await adjust(member, "savings", "-30");
    await adjust(performer, "savings", "-12");
    await callerAs(admin).adminWallets.setTypeActive({ id: "savings", active: false });
    expect(await auditRows("wallet_type.deactivate", "savings")).toEqual([{ actor_id: admin.id, details: { name: "Savings", currency: "CRD" } }]);

    expect((await listWalletTypes()).map((type) => type.id)).not.toContain("savings");
    const { users } = await callerAs(admin).ledger.users({ search: member.email });
    expect(users[0]?.wallets.map((wallet) => wallet.id)).not.toContain("savings");
    const counts = await ledgerRowCounts();
    expect(await refusalCodeOf(() => adjust(member, "savings", "5"))).toBe("PRECONDITION_FAILED");
    expect(await ledgerRowCounts()).toEqual(counts);
  });
});

describe("currencies", () => {
  it("adds a currency with its system accounts, and refuses bad or duplicate ones changing nothing", async () => {
    await callerAs(admin).adminWallets.createCurrency({ code: "GBP", name: "Pound sterling", kind: "FIAT", exponent: 2 });
    const { rows } = await pool.query<{ code: string }>("SELECT code FROM ledger_accounts WHERE currency = 'GBP' ORDER BY code");
    expect(rows.map((row) => row.code)).toEqual(["system:adjustments:GBP", "system:exchange:GBP", "system:fees:GBP"]);
    expect(await auditRows("currency.create", "GBP")).toHaveLength(1);

    const before = await snapshot();
    for (const [input, code] of [
      [{ code: "GBP", name: "Again", kind: "FIAT", exponent: 2 }, "CONFLICT"],
      [{ code: "gb", name: "Lower", kind: "FIAT", exponent: 2 }, "BAD_REQUEST"],
      [{ code: "JOD", name: "Too fine", kind: "FIAT", exponent: 5 }, "BAD_REQUEST"],
      [{ code: "CRD2", name: "More credits", kind: "CREDITS", exponent: 0 }, "BAD_REQUEST"],
    ] as const) {
      expect(await refusalCodeOf(() => callerAs(admin).adminWallets.createCurrency(input))).toBe(code);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses to deactivate a currency an active wallet type uses, naming it; deactivates one no active type uses", async () => {
    const before = await snapshot();
    await expect(callerAs(admin).adminWallets.setCurrencyActive({ code: "USD", active: false })).rejects.toThrow("USD cannot be deactivated: the active wallet type Dollars uses it.");
    expect(await snapshot()).toEqual(before);

    await callerAs(admin).adminWallets.setCurrencyActive({ code: "EUR", active: false });
    expect((await callerAs(admin).adminWallets.currencies()).find((currency) => currency.code === "EUR")).toMatchObject({ active: false, usedBy: [] });
    expect(await auditRows("currency.deactivate", "EUR")).toHaveLength(1);
    expect(await refusalCodeOf(() => callerAs(admin).adminWallets.createType({ ...rules, id: "euros", name: "Euros", currency: "EUR", active: true }))).toBe("PRECONDITION_FAILED");
  });
});

describe("adjustments per wallet", () => {
  it("credits a dollar wallet in cents through the USD adjustments account, with the audit row naming wallet and currency", async () => {
    const target = await makeMember("dollars");
    const { transactionId } = await adjust(target, "usd", "12.34", "Refund of a failed top-up");

    expect((await walletBalances(pool, target.id)).wallets.usd).toBe(1_234n);
    const { rows: entries } = await pool.query<{ code: string; amount: string }>(
      "SELECT a.code, e.amount::text FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = $1 ORDER BY a.code",
      [transactionId.toString()],
    );
    expect(entries).toEqual([
      { code: "system:adjustments:USD", amount: "-1234" },
      { code: `user:${target.id}:usd:USD`, amount: "1234" },
    ]);
    expect(await auditRows("ledger.adjust", target.id)).toEqual([
      {
        actor_id: admin.id,
        details: { amount: "1234", reason: "Refund of a failed top-up", wallet: "usd", currency: "USD", transactionId: transactionId.toString() },
      },
    ]);

    const { users } = await callerAs(admin).ledger.users({ search: target.email });
    expect(users[0]?.wallets.find((wallet) => wallet.id === "usd")).toEqual({ id: "usd", name: "Dollars", currency: "USD", exponent: 2, balance: 1_234n });

    await adjust(target, "usd", "-0.34");
    expect((await walletBalances(pool, target.id)).wallets.usd).toBe(1_200n);
  });

  it("adjusts pending and held credits as before", async () => {
    const target = await makeMember("stages");
    await adjust(target, "pending", "40");
    await adjust(target, "held", "15");
    await adjust(target, "pending", "-10");
    expect(await walletBalances(pool, target.id)).toMatchObject({ pending: 30n, held: 15n });
  });

  it.each([
    ["a third decimal on a dollar wallet", "usd", "12.345", "Dollars amounts have at most 2 decimals."],
    ["a decimal on a credits wallet", "credits", "1.5", "Credits amounts are whole numbers."],
    ["zero", "usd", "0.00", "An adjustment cannot be zero."],
    ["more than the limit", "usd", "10000000000.01", "That amount is too large."],
    ["text that is not an amount", "usd", "12,34", "Enter an amount like 25 or 12.50."],
    ["an unknown wallet", "gold", "5", "There is no such wallet."],
    ["an inactive wallet", "mxn", "5", "The Pesos wallet is not in use; activate it before adjusting it."],
    ["a debit below zero", "usd", "-0.01", "That would take the Dollars balance below zero."],
  ])("refuses %s with a clear message and posts nothing", async (_name, wallet, amount, message) => {
    const target = await makeMember("refused");
    const before = await snapshot();
    await expect(adjust(target, wallet, amount)).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  });

  it("the users table still sorts by the Credits balance", async () => {
    const rich = await makeMember("rich");
    await adjust(rich, "credits", "900000");
    const { users } = await callerAs(admin).ledger.users({ sort: "available", direction: "desc", pageSize: 100 });
    expect(users[0]?.id).toBe(rich.id);
    const credits = users.map((user) => user.available);
    expect(credits).toEqual([...credits].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(users[0]?.wallets.find((wallet) => wallet.id === "credits")?.balance).toBe(900_000n);
  });
});
