import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { callerAs, expectLedgerInvariantsHold, ledgerRowCounts, refusalCodeOf } from "@/server/testing/api";
import { fundUser } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { STALE_QUOTE_MESSAGE } from "./exchange";

/**
 * Exchanges between a member's own wallets: a quote stores what is shown, confirming posts it once. Seeded rates:
 * CRD -> USD at 0.09 with a 2% fee, USD -> CRD at 10 with none. Tests that add rates run last.
 */

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
});

afterEach(async () => {
  await expectLedgerInvariantsHold();
});

afterAll(async () => {
  await closeDb();
});

const quote = (user: SessionUser, amount: string, from = "credits", to = "usd") =>
  callerAs(user).exchange.quote({ fromWalletTypeId: from, toWalletTypeId: to, amount });

const confirm = (user: SessionUser, quoteId: string, idempotencyKey: string = randomUUID()) => callerAs(user).exchange.confirm({ quoteId, idempotencyKey });

async function wallets(user: SessionUser): Promise<Record<string, bigint>> {
  return (await walletBalances(pool, user.id)).wallets;
}

async function fundedMember(credits: bigint): Promise<SessionUser> {
  const member = await makeMember("exchanger");
  await fundUser(pool, member.id, credits);
  return member;
}

async function messageOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("a quote and its confirmation", () => {
  it("quotes the rate, the fee rounded up and the result rounded down, posts exactly that, and reports the new balances", async () => {
    const member = await fundedMember(1_000n);
    const shown = await quote(member, "1000");
    // 2% of 1,000 credits is 20; 980 credits at 0.09 are 88.20 USD, so 8,820 cents.
    expect(shown).toMatchObject({ amount: 1_000n, fee: 20n, result: 8_820n, feeBps: 200, rateWords: "1 CRD = 0.09 USD" });
    expect(shown.secondsLeft).toBeGreaterThan(50);
    expect(shown.secondsLeft).toBeLessThanOrEqual(60);
    expect(await wallets(member)).toMatchObject({ credits: 1_000n, usd: 0n });

    const done = await confirm(member, shown.id);
    expect(done).toMatchObject({ replayed: false, balances: { from: 0n, to: 8_820n } });
    expect(await wallets(member)).toMatchObject({ credits: 0n, usd: 8_820n });
    const { rows } = await pool.query<{ kind: string; metadata: { quoteId: string; rateE8: string; rateId: string } }>(
      "SELECT kind, metadata FROM ledger_transactions WHERE id = $1",
      [done.transactionId.toString()],
    );
    expect(rows[0]).toMatchObject({ kind: "EXCHANGE", metadata: { quoteId: shown.id, rateE8: "9000000" } });
    const stored = await pool.query("SELECT transaction_id::text AS tx FROM exchange_quotes WHERE id = $1", [shown.id]);
    expect(stored.rows[0]).toEqual({ tx: done.transactionId.toString() });
  });

  it("reads amounts in the source currency's units: 12.34 Dollars are 1,234 cents", async () => {
    const member = await fundedMember(2_000n);
    await confirm(member, (await quote(member, "2000")).id);
    const usd = (await wallets(member)).usd ?? 0n;
    const back = await quote(member, "12.34", "usd", "credits");
    expect(back).toMatchObject({ amount: 1_234n, fee: 0n, result: 123n });
    await confirm(member, back.id);
    expect(await wallets(member)).toMatchObject({ usd: usd - 1_234n, credits: 123n });
  });

  it("refuses bad amounts and forbidden or unknown wallets, posting nothing", async () => {
    const member = await fundedMember(500n);
    const before = await ledgerRowCounts();
    expect(await messageOf(() => quote(member, "12.345", "usd", "credits"))).toBe("Enter at most 2 decimals.");
    expect(await messageOf(() => quote(member, "1.5"))).toBe("Enter a whole number: this currency has no decimals.");
    expect(await messageOf(() => quote(member, "0"))).toBe("Enter an amount above zero.");
    // 1 credit less its fee (2%, rounded up to 1 credit) leaves nothing to convert.
    expect(await refusalCodeOf(() => quote(member, "1"))).toBe("BAD_REQUEST");
    expect(await messageOf(() => quote(member, "600"))).toMatch(/Your Credits wallet has 500 credits/);
    expect(await refusalCodeOf(() => quote(member, "10", "bonus", "credits"))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "earnings"))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "mxn"))).toBe("PRECONDITION_FAILED");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "no-such-wallet"))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "credits"))).toBe("BAD_REQUEST");
    expect(await ledgerRowCounts()).toEqual(before);
    expect(await wallets(member)).toMatchObject({ credits: 500n, usd: 0n });
  });

  it("refuses another member's quote as if it did not exist", async () => {
    const owner = await fundedMember(300n);
    const other = await fundedMember(300n);
    const shown = await quote(owner, "300");
    const before = await ledgerRowCounts();
    expect(await refusalCodeOf(() => confirm(other, shown.id))).toBe("NOT_FOUND");
    expect(await messageOf(() => confirm(other, shown.id))).toBe("There is no such quote.");
    expect(await ledgerRowCounts()).toEqual(before);
    expect(await wallets(owner)).toMatchObject({ credits: 300n, usd: 0n });
    expect(await wallets(other)).toMatchObject({ credits: 300n, usd: 0n });
  });

  it("refuses a stale quote by the database's clock with a clear message, posting nothing; a new quote goes through", async () => {
    const member = await fundedMember(400n);
    const shown = await quote(member, "400");
    await pool.query("UPDATE exchange_quotes SET created_at = created_at - interval '61 seconds' WHERE id = $1", [shown.id]);
    const before = await ledgerRowCounts();
    expect(await messageOf(() => confirm(member, shown.id))).toBe(STALE_QUOTE_MESSAGE);
    expect(await refusalCodeOf(() => confirm(member, shown.id))).toBe("PRECONDITION_FAILED");
    expect(await ledgerRowCounts()).toEqual(before);
    expect(await wallets(member)).toMatchObject({ credits: 400n, usd: 0n });

    await confirm(member, (await quote(member, "400")).id);
    expect(await wallets(member)).toMatchObject({ credits: 0n, usd: 3_528n });
  });

  it("refuses a quote once the admin shortens the lifetime below its age", async () => {
    const member = await fundedMember(100n);
    const shown = await quote(member, "100");
    await pool.query("UPDATE exchange_quotes SET created_at = created_at - interval '15 seconds' WHERE id = $1", [shown.id]);
    await callerAs(admin).settings.set({ key: "exchange", value: { quoteSeconds: 10 } });
    try {
      expect(await messageOf(() => confirm(member, shown.id))).toBe(STALE_QUOTE_MESSAGE);
    } finally {
      await callerAs(admin).settings.set({ key: "exchange", value: { quoteSeconds: 60 } });
    }
    expect(await wallets(member)).toMatchObject({ credits: 100n, usd: 0n });
  });

  it("returns the first result to a retry with the same key, and refuses the quote with another key", async () => {
    const member = await fundedMember(200n);
    const shown = await quote(member, "200");
    const key = randomUUID();
    const first = await confirm(member, shown.id, key);
    const again = await confirm(member, shown.id, key);
    expect(again).toMatchObject({ replayed: true, transactionId: first.transactionId, balances: first.balances });
    expect(await refusalCodeOf(() => confirm(member, shown.id))).toBe("CONFLICT");
    expect(await wallets(member)).toMatchObject({ credits: 0n, usd: 1_764n });
  });

  it("refuses when the wallets' rules changed after the quote", async () => {
    const member = await fundedMember(100n);
    const shown = await quote(member, "100");
    await pool.query("UPDATE wallet_types SET exchange_in = false WHERE id = 'usd'");
    try {
      const before = await ledgerRowCounts();
      expect(await refusalCodeOf(() => confirm(member, shown.id))).toBe("FORBIDDEN");
      expect(await ledgerRowCounts()).toEqual(before);
    } finally {
      await pool.query("UPDATE wallet_types SET exchange_in = true WHERE id = 'usd'");
    }
    expect(await wallets(member)).toMatchObject({ credits: 100n, usd: 0n });
  });
});

describe("under concurrency", () => {
  it("never overdraws one wallet exchanged from by many quotes at once, and both sides end exact", async () => {
    const member = await fundedMember(1_000n);
    // Each quote is affordable alone (150 of 1,000); only six fit together.
    const quotes = await Promise.all(Array.from({ length: 10 }, () => quote(member, "150")));
    const outcomes = await Promise.all(quotes.map((shown) => refusalCodeOf(() => confirm(member, shown.id))));
    expect(outcomes.filter((code) => code === "OK")).toHaveLength(6);
    expect(outcomes.filter((code) => code === "INSUFFICIENT_FUNDS")).toHaveLength(4);
    // 150 credits less a 3-credit fee: 147 at 0.09 are 13.23 USD each.
    expect(await wallets(member)).toMatchObject({ credits: 100n, usd: 6n * 1_323n });
    const { rows } = await pool.query<{ used: number }>("SELECT count(*)::int AS used FROM exchange_quotes WHERE user_id = $1 AND transaction_id IS NOT NULL", [member.id]);
    expect(rows[0]?.used).toBe(6);
  });

  it("posts one quote once, however many confirmations race for it: the first key wins, a repeat of it gets the same result, others are refused", async () => {
    const member = await fundedMember(500n);
    const shown = await quote(member, "500");
    const shared = randomUUID();
    const keys = [shared, shared, shared, shared, randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const before = await ledgerRowCounts();
    const outcomes = await Promise.all(
      keys.map(async (key) => {
        try {
          return { key, code: "OK", transactionId: (await confirm(member, shown.id, key)).transactionId };
        } catch (error) {
          return { key, code: await refusalCodeOf(() => Promise.reject(error)), transactionId: null };
        }
      }),
    );
    const after = await ledgerRowCounts();
    expect(after.transactions - before.transactions).toBe(1);
    const winners = outcomes.filter((outcome) => outcome.code === "OK");
    const winningKey = winners[0]?.key;
    expect(new Set(winners.map((outcome) => outcome.key))).toEqual(new Set([winningKey]));
    expect(new Set(winners.map((outcome) => outcome.transactionId)).size).toBe(1);
    expect(winners).toHaveLength(keys.filter((key) => key === winningKey).length);
    expect(outcomes.filter((outcome) => outcome.code !== "OK").every((outcome) => outcome.code === "CONFLICT")).toBe(true);
    expect(await wallets(member)).toMatchObject({ credits: 0n, usd: 4_410n });
  });
});

describe("admin exchange rates", () => {
  it("refuses members and performers, a start in the past and a bad rate", async () => {
    const member = await makeMember("rate-member");
    const performer = await makePerformer(admin, "Rate Performer");
    const rate = { fromCurrency: "USD", toCurrency: "EUR", rate: "0.92", feeBps: 100 };
    expect(await refusalCodeOf(() => callerAs(member).exchange.addRate(rate))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(performer).exchange.addRate(rate))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => callerAs(member).exchange.rates())).toBe("FORBIDDEN");
    const past = new Date(Date.now() - 60_000);
    expect(await messageOf(() => callerAs(admin).exchange.addRate({ ...rate, effectiveFrom: past }))).toBe("A new rate cannot start in the past.");
    expect(await refusalCodeOf(() => callerAs(admin).exchange.addRate({ ...rate, rate: "0" }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => callerAs(admin).exchange.addRate({ ...rate, rate: "1,5" }))).toBe("BAD_REQUEST");
    expect(await refusalCodeOf(() => callerAs(admin).exchange.addRate({ ...rate, toCurrency: "XYZ" }))).toBe("NOT_FOUND");
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM exchange_rates WHERE from_currency = 'USD' AND to_currency = 'EUR'");
    expect(rows[0]?.n).toBe(0);
  });

  it("adds a rate with its audit row and lists every version newest first", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const added = await callerAs(admin).exchange.addRate({ fromCurrency: "USD", toCurrency: "EUR", rate: "0.92", feeBps: 150, effectiveFrom: later });
    const rates = await callerAs(admin).exchange.rates();
    expect(rates[0]).toMatchObject({ id: added.id, fromCurrency: "USD", toCurrency: "EUR", rateE8: 92_000_000n, rateWords: "1 USD = 0.92 EUR", feeBps: 150 });
    expect(rates.map((rate) => rate.effectiveFrom.getTime())).toEqual([...rates.map((rate) => rate.effectiveFrom.getTime())].sort((a, b) => b - a));
    const audit = await pool.query("SELECT actor_id, details FROM audit_log WHERE action = 'exchange_rate.add' AND target_id = $1", [added.id.toString()]);
    expect(audit.rows[0]).toMatchObject({ actor_id: admin.id, details: { fromCurrency: "USD", toCurrency: "EUR", rateE8: "92000000", feeBps: 150 } });
  });

  it("confirms a quote at its own rate after an admin changed the rate, and quotes the new rate afterwards", async () => {
    const member = await fundedMember(1_000n);
    const shown = await quote(member, "1000");
    const oldRateId = (await pool.query<{ id: string }>("SELECT exchange_rate_id::text AS id FROM exchange_quotes WHERE id = $1", [shown.id])).rows[0]?.id;
    await callerAs(admin).exchange.addRate({ fromCurrency: "CRD", toCurrency: "USD", rate: "0.05", feeBps: 500 });

    const done = await confirm(member, shown.id);
    expect(done.quote).toMatchObject({ result: 8_820n, fee: 20n });
    expect(await wallets(member)).toMatchObject({ credits: 0n, usd: 8_820n });
    const { rows } = await pool.query<{ rate_id: string }>("SELECT metadata->>'rateId' AS rate_id FROM ledger_transactions WHERE id = $1", [done.transactionId.toString()]);
    expect(rows[0]?.rate_id).toBe(oldRateId);

    await fundUser(pool, member.id, 1_000n);
    // 5% of 1,000 is 50; 950 at 0.05 are 47.50 USD.
    expect(await quote(member, "1000")).toMatchObject({ fee: 50n, result: 4_750n, rateWords: "1 CRD = 0.05 USD" });
  });
});
