import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletBalances } from "@/server/ledger/balances";
import { callerAs, expectLedgerInvariantsHold, ledgerRowCounts, refusalCodeOf } from "@/server/testing/api";
import { fundUser, fundWallet } from "@/server/testing/factories";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { STALE_QUOTE_MESSAGE } from "./exchange";

/**
 * Exchanges between a member's own wallets: a quote stores what is shown, confirming posts it once. Seeded rates:
 * CRD -> USD at 0.09 with a 2% fee, USD -> CRD at 10 with none. This file adds a Points wallet, and CRD -> PTS at
 * 0.5 points a credit with no fee. Tests that add rates run last.
 */

let admin: SessionUser;

const USD_WALLET = { accountKind: "usd", currency: "USD" };

beforeAll(async () => {
  admin = await makeAdmin();
  await pool.query(
    `INSERT INTO wallet_types (id, name, currency, account_kind, pays_for, exchange_in, exchange_out, active, updated_at)
     VALUES ('points', 'Points', 'PTS', 'points', '{}', true, true, true, now())`,
  );
  await callerAs(admin).exchange.addRate({ fromCurrency: "CRD", toCurrency: "PTS", rate: "0.5", feeBps: 0 });
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

async function quoteCount(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM exchange_quotes");
  return rows[0]?.n ?? 0;
}

const TOO_SMALL = "That amount is too small to exchange: it would come to nothing after the rate and fee.";

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

  it("refuses an amount beyond the balance and forbidden or unknown wallets, posting nothing", async () => {
    const member = await fundedMember(500n);
    const before = await ledgerRowCounts();
    expect(await messageOf(() => quote(member, "600"))).toMatch(/Your Credits wallet has 500 credits/);
    expect(await refusalCodeOf(() => quote(member, "10", "bonus", "credits"))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "earnings"))).toBe("FORBIDDEN");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "mxn"))).toBe("PRECONDITION_FAILED");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "no-such-wallet"))).toBe("NOT_FOUND");
    expect(await refusalCodeOf(() => quote(member, "10", "credits", "credits"))).toBe("BAD_REQUEST");
    expect(await ledgerRowCounts()).toEqual(before);
    expect(await wallets(member)).toMatchObject({ credits: 500n, usd: 0n });
  });

  describe("refuses amounts that are not a usable amount of the source's currency, storing no quote and posting nothing", () => {
    let member: SessionUser;

    beforeAll(async () => {
      // Enough in both wallets that no refusal here can be for want of funds.
      member = await fundedMember(500n);
      await fundWallet(pool, member.id, USD_WALLET, 5_000n);
    });

    it.each([
      { name: "1 credit into points: 0.5 points round down to nothing", from: "credits", to: "points", amount: "1", message: TOO_SMALL },
      { name: "1 credit into dollars: the 2% fee rounds up to the whole credit", from: "credits", to: "usd", amount: "1", message: TOO_SMALL },
      { name: "9 cents into credits: 0.9 credits round down to nothing", from: "usd", to: "credits", amount: "0.09", message: TOO_SMALL },
      { name: "zero credits", from: "credits", to: "usd", amount: "0", message: "Enter an amount above zero." },
      { name: "zero dollars", from: "usd", to: "credits", amount: "0.00", message: "Enter an amount above zero." },
      { name: "negative credits", from: "credits", to: "usd", amount: "-5", message: "Enter an amount such as 12 or 12.50." },
      { name: "negative dollars", from: "usd", to: "credits", amount: "-0.50", message: "Enter an amount such as 12 or 12.50." },
      { name: "a third decimal of a dollar", from: "usd", to: "credits", amount: "12.345", message: "Enter at most 2 decimals." },
      { name: "a decimal of a credit", from: "credits", to: "usd", amount: "1.5", message: "Enter a whole number: this currency has no decimals." },
      { name: "a decimal of a point", from: "credits", to: "points", amount: "0.5", message: "Enter a whole number: this currency has no decimals." },
    ])("$name", async ({ from, to, amount, message }) => {
      const [postings, quotes] = [await ledgerRowCounts(), await quoteCount()];
      expect(await refusalCodeOf(() => quote(member, amount, from, to))).toBe("BAD_REQUEST");
      expect(await messageOf(() => quote(member, amount, from, to))).toBe(message);
      expect(await ledgerRowCounts()).toEqual(postings);
      expect(await quoteCount()).toBe(quotes);
      expect(await wallets(member)).toMatchObject({ credits: 500n, usd: 5_000n, points: 0n });
    });

    it("quotes the least amount that does come to something", async () => {
      expect(await quote(member, "2", "credits", "points")).toMatchObject({ amount: 2n, fee: 0n, result: 1n });
      expect(await quote(member, "0.10", "usd", "credits")).toMatchObject({ amount: 10n, fee: 0n, result: 1n });
    });
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

  it("never overdraws either wallet when exchanges run both ways at once: each success posted once, each refusal nothing, each currency balanced", async () => {
    const member = await fundedMember(500n);
    await fundWallet(pool, member.id, USD_WALLET, 2_000n);
    const before = await ledgerRowCounts();
    // Interleaved: twelve quotes of 100 credits into dollars (882 cents each) and six of $10 into credits (100
    // credits each). Each is affordable alone; Credits can never cover all twelve (500 + 6 x 100 < 12 x 100), so
    // some are refused whatever the order, and each direction's successes feed the other's.
    const toDollars = { from: "credits", to: "usd", amount: "100" };
    const toCredits = { from: "usd", to: "credits", amount: "10.00" };
    const requests = Array.from({ length: 18 }, (_, index) => (index % 3 === 2 ? toCredits : toDollars));
    const quotes = await Promise.all(requests.map(({ from, to, amount }) => quote(member, amount, from, to)));
    const outcomes = await Promise.all(
      quotes.map(async (shown) => ({ shown, code: await refusalCodeOf(() => confirm(member, shown.id)) })),
    );

    expect(new Set(outcomes.map((outcome) => outcome.code))).toEqual(new Set(["OK", "INSUFFICIENT_FUNDS"]));
    const done = outcomes.filter((outcome) => outcome.code === "OK");
    const doneToDollars = BigInt(done.filter((outcome) => outcome.shown.from.id === "credits").length);
    const doneToCredits = BigInt(done.filter((outcome) => outcome.shown.from.id === "usd").length);
    const after = await wallets(member);
    expect(after.credits).toBe(500n - 100n * doneToDollars + 100n * doneToCredits);
    expect(after.usd).toBe(2_000n + 882n * doneToDollars - 1_000n * doneToCredits);
    expect(after.credits).toBeGreaterThanOrEqual(0n);
    expect(after.usd).toBeGreaterThanOrEqual(0n);

    // Each confirmed quote names its one posting; a refused one names none and has none.
    const { rows } = await pool.query<{ id: string; transaction_id: string | null; postings: number }>(
      `SELECT q.id, q.transaction_id::text,
              (SELECT count(*)::int FROM ledger_transactions t WHERE t.idempotency_key = 'exchange:' || q.id) AS postings
         FROM exchange_quotes q WHERE q.user_id = $1`,
      [member.id],
    );
    const byQuote = new Map(rows.map((row) => [row.id, row]));
    for (const { shown, code } of outcomes) {
      expect(byQuote.get(shown.id)).toMatchObject(code === "OK" ? { postings: 1, transaction_id: expect.any(String) } : { postings: 0, transaction_id: null });
    }
    expect((await ledgerRowCounts()).transactions - before.transactions).toBe(done.length);

    // Each currency's legs of these exchanges sum to zero: what left one wallet went through the exchange accounts.
    const sums = await pool.query<{ currency: string; total: string }>(
      `SELECT e.currency, sum(e.amount)::text AS total FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE t.kind = 'EXCHANGE' AND t.actor_id = $1 GROUP BY e.currency ORDER BY e.currency`,
      [member.id],
    );
    expect(sums.rows).toEqual([
      { currency: "CRD", total: "0" },
      { currency: "USD", total: "0" },
    ]);
    await expectLedgerInvariantsHold();
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
