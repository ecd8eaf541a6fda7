import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/admin/ledger/export/route";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { callerAs, expectLedgerInvariantsHold } from "@/server/testing/api";
import { parseCsv } from "@/server/testing/csv";
import { fundUser } from "@/server/testing/factories";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { makeAdmin, makeMember } from "@/server/testing/users";

/**
 * The books and the ledger explorer per currency, and the explorer's CSV export. One member exchanges 1,000 credits
 * into Dollars (2% fee, 0.09 USD a credit): 20 credits of fee, 980 credits into the CRD exchange account, 88.20
 * USD out of the USD exchange account into the member's Dollars wallet.
 */

let admin: SessionUser;
let member: SessionUser;
let exchangeId: bigint;

beforeAll(async () => {
  admin = await makeAdmin();
  member = await makeMember("books-exchanger");
  await fundUser(pool, member.id, 1_000n);
  const quote = await callerAs(member).exchange.quote({ fromWalletTypeId: "credits", toWalletTypeId: "usd", amount: "1000" });
  exchangeId = (await callerAs(member).exchange.confirm({ quoteId: quote.id, idempotencyKey: randomUUID() })).transactionId;
});

afterAll(async () => {
  await expectLedgerInvariantsHold();
  await closeDb();
});

const download = async (user: SessionUser | null, query: string) => GET(await routeRequestAs(user, `http://127.0.0.1:3000/api/admin/ledger/export?${query}`));

describe("the books per currency", () => {
  it("totals each currency's accounts in that currency only, each summing to zero", async () => {
    const usd = await callerAs(admin).ledger.currencyBooks({ currency: "usd" });
    expect(usd.currency).toMatchObject({ code: "USD", exponent: 2 });
    expect(usd.sum).toBe(0n);
    expect(usd.totals.find((row) => row.walletTypeId === "usd" && !row.system)).toMatchObject({ walletName: "Dollars", balance: 8_820n });
    expect(usd.totals.find((row) => row.type === "EXCHANGE")).toMatchObject({ system: true, balance: -8_820n });

    const crd = await callerAs(admin).ledger.currencyBooks({ currency: "CRD" });
    expect(crd.sum).toBe(0n);
    expect(crd.totals.find((row) => row.type === "EXCHANGE")).toMatchObject({ system: true, balance: 980n });
    expect(crd.totals.find((row) => row.type === "FEES")).toMatchObject({ system: true, balance: 20n });
    // No USD amount is counted among the credits: the Dollars wallets appear only in USD's books.
    expect(crd.totals.some((row) => row.walletTypeId === "usd")).toBe(false);
  });

  it("refuses an unknown currency and non-admins", async () => {
    expect(await callerAs(admin).ledger.currencyBooks({ currency: "XYZ" }).catch((error: Error) => error.message)).toBe("There is no currency XYZ.");
    await expect(callerAs(member).ledger.currencyBooks({ currency: "CRD" })).rejects.toThrow();
  });
});

describe("the ledger explorer per currency", () => {
  it("lists the transactions with an entry in the chosen currency, each entry with its currency and wallet", async () => {
    const usd = await callerAs(admin).ledger.explore({ currency: "USD" });
    expect(usd.transactions.map((transaction) => transaction.id)).toEqual([exchangeId]);
    const entries = usd.transactions[0]?.entries ?? [];
    expect(entries.map((entry) => [entry.account.split(":").slice(0, 1).join(), entry.currency, entry.wallet, entry.amount])).toEqual([
      ["user", "CRD", "Credits", -1_000n],
      ["system", "CRD", null, 20n],
      ["system", "CRD", null, 980n],
      ["system", "USD", null, -8_820n],
      ["user", "USD", "Dollars", 8_820n],
    ]);

    const crd = await callerAs(admin).ledger.explore({ currency: "CRD", userId: member.id });
    expect(crd.transactions).toHaveLength(2);
    expect((await callerAs(admin).ledger.explore({ currency: "EUR" })).transactions).toEqual([]);
  });
});

describe("exporting the ledger", () => {
  it("is for admins only and refuses bad filters", async () => {
    expect((await download(null, "")).status).toBe(401);
    expect((await download(member, "")).status).toBe(403);
    expect((await download(admin, "kind=NOPE")).status).toBe(400);
    expect((await download(admin, "user=not-a-uuid")).status).toBe(400);
  });

  it("writes one line per entry of the filtered transactions, with wallet, currency and exact amounts, and audits it", async () => {
    const response = await download(admin, `currency=USD&user=${member.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="ledger-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual([
      "transaction",
      "created_at",
      "kind",
      "description",
      "idempotency_key",
      "reverses",
      "entry",
      "account",
      "account_type",
      "owner",
      "wallet",
      "currency",
      "direction",
      "amount",
      "amount_minor",
    ]);
    expect(rows.map((row) => row[0])).toEqual(Array(5).fill(exchangeId.toString()));
    expect(rows.map((row) => row.slice(2, 4))).toEqual(Array(5).fill(["EXCHANGE", "Exchange: 1,000 credits from Credits to $88.20 in Dollars"]));
    expect(rows.map((row) => [row[8], row[9], row[10], row[11], row[12], row[13], row[14]])).toEqual([
      ["AVAILABLE", member.displayName, "Credits", "CRD", "out", "1000", "1000"],
      ["FEES", "", "", "CRD", "in", "20", "20"],
      ["EXCHANGE", "", "", "CRD", "in", "980", "980"],
      ["EXCHANGE", "", "", "USD", "out", "88.20", "8820"],
      ["WALLET", member.displayName, "Dollars", "USD", "in", "88.20", "8820"],
    ]);
    const { rows: audit } = await pool.query("SELECT details FROM audit_log WHERE action = 'ledger.exported' AND actor_id = $1", [admin.id]);
    expect(audit[0]?.details).toMatchObject({ filters: { currency: "USD", user: member.id }, transactions: 1 });
  });

  it("keeps to the date range given", async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const [, ...rows] = parseCsv(await (await download(admin, `from=${encodeURIComponent(future)}`)).text());
    expect(rows).toEqual([]);
  });
});
