import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import { walletAccount } from "@/server/domain/ledger";
import { walletBalances } from "@/server/ledger/balances";
import { callerAs, expectLedgerInvariantsHold, ledgerTransactionCount, refusalCodeOf } from "@/server/testing/api";
import { fundUser, fundWallet, insertPaidPurchase } from "@/server/testing/factories";
import { configurePayouts, readyToWithdraw } from "@/server/testing/payouts";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { postSale } from "../sales/sales";
import { planWalletMove, postWalletMove } from "./moves";

/** Issue 13's hole and its rules: bought and received credits are spendable, never withdrawable; earnings are. */

let admin: SessionUser;

beforeAll(async () => {
  admin = await makeAdmin();
  await configurePayouts(admin);
  await callerAs(admin).commissions.set({ kind: "TIP", performerShareBps: 8000 });
});

afterAll(async () => {
  await closeDb();
});

const BONUS = { accountKind: "bonus", currency: "CRD" };

const fundBonus = (userId: string, credits: bigint) => fundWallet(pool, userId, BONUS, credits);

const withdraw = (performer: SessionUser, credits: bigint) =>
  callerAs(performer).payouts.withdrawals.request({ credits, idempotencyKey: randomUUID() });

describe("what can be withdrawn", () => {
  it("refuses to withdraw credits a member transferred: they land in Credits, not Earnings", async () => {
    const member = await makeMember("sender");
    const performer = await makePerformer(admin, "Transfer Taker");
    await readyToWithdraw(performer);
    await fundUser(pool, member.id, 1_000n);
    await callerAs(member).transfers.send({ recipient: performer.username, amount: 1_000n, idempotencyKey: randomUUID() });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ available: 1_000n, earnings: 0n, pending: 0n });

    const postings = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => withdraw(performer, 1_000n))).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerTransactionCount()).toBe(postings);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ available: 1_000n, earnings: 0n, held: 0n });
  });

  it("refuses to withdraw credits a performer bought with a card, and withdraws exactly their earnings", async () => {
    const performer = await makePerformer(admin, "Card Buyer");
    await readyToWithdraw(performer);
    await insertPaidPurchase(pool, performer.id, 500n);
    await fundUser(pool, performer.id, 300n, "earnings");

    const postings = await ledgerTransactionCount();
    expect(await refusalCodeOf(() => withdraw(performer, 301n))).toBe("INSUFFICIENT_FUNDS");
    expect(await ledgerTransactionCount()).toBe(postings);
    await withdraw(performer, 300n);
    expect(await walletBalances(pool, performer.id)).toMatchObject({ available: 500n, earnings: 0n, held: 300n });
    await expectLedgerInvariantsHold();
  });
});

describe("what a wallet may pay for", () => {
  it("refuses a sale from a wallet whose rules leave its purpose out, posting nothing, and lets an allowed one through", async () => {
    const member = await makeMember("bonusholder");
    const performer = await makePerformer(admin, "Bonus Seller");
    await fundBonus(member.id, 100n);
    const sale = (saleKind: "CONTENT" | "TIP") =>
      postSale(pool, {
        kind: saleKind === "TIP" ? "TIP" : "CONTENT_UNLOCK",
        saleKind,
        buyerId: member.id,
        performerId: performer.id,
        amount: 40n,
        idempotencyKey: `bonus-sale:${randomUUID()}`,
        request: { saleKind },
        description: "From the bonus wallet",
        sources: [{ account: walletAccount(member.id, BONUS), amount: -40n }],
      });

    const postings = await ledgerTransactionCount();
    await expect(sale("CONTENT")).rejects.toMatchObject({ code: "FORBIDDEN", message: "Your Bonus wallet cannot pay for paid content." });
    expect(await ledgerTransactionCount()).toBe(postings);
    expect((await walletBalances(pool, member.id)).wallets.bonus).toBe(100n);

    await sale("TIP");
    expect((await walletBalances(pool, member.id)).wallets.bonus).toBe(60n);
    await expectLedgerInvariantsHold();
  });
});

describe("moves between a member's wallets", () => {
  it("exchanges credits into dollars through each currency's exchange account, recording the rate", async () => {
    const member = await makeMember("exchanger");
    await fundUser(pool, member.id, 1_000n);
    const plan = await planWalletMove(pool, member.id, { fromWalletTypeId: "credits", toWalletTypeId: "usd", amount: 100n });
    expect(plan.quote).toEqual({ amount: 100n, fee: 2n, net: 98n, result: 882n });
    const posted = await postWalletMove(pool, plan, { kind: "EXCHANGE", idempotencyKey: `exchange:${randomUUID()}`, description: "Credits to Dollars" });

    const { rows: legs } = await pool.query<{ code: string; amount: string; currency: string }>(
      `SELECT a.code, e.amount, e.currency FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE e.transaction_id = $1 ORDER BY e.currency, e.amount`,
      [posted.transactionId.toString()],
    );
    expect(legs).toEqual([
      { code: `user:${member.id}:available:CRD`, amount: "-100", currency: "CRD" },
      { code: "system:fees:CRD", amount: "2", currency: "CRD" },
      { code: "system:exchange:CRD", amount: "98", currency: "CRD" },
      { code: "system:exchange:USD", amount: "-882", currency: "USD" },
      { code: `user:${member.id}:usd:USD`, amount: "882", currency: "USD" },
    ]);
    const { rows } = await pool.query<{ metadata: Record<string, unknown> }>("SELECT metadata FROM ledger_transactions WHERE id = $1", [
      posted.transactionId.toString(),
    ]);
    expect(rows[0]?.metadata).toMatchObject({ fromWallet: "credits", toWallet: "usd", rateE8: "9000000", feeBps: 200, fee: "2", result: "882" });
    expect(await walletBalances(pool, member.id)).toMatchObject({ available: 900n, wallets: { credits: 900n, usd: 882n } });
    await expectLedgerInvariantsHold();
  });

  it.each([
    ["bonus", "credits", "FORBIDDEN", "Value cannot be moved out of your Bonus wallet."],
    ["credits", "earnings", "FORBIDDEN", "Value cannot be moved into your Earnings wallet."],
    ["credits", "credits", "BAD_REQUEST", "Choose two different wallets."],
    ["credits", "mxn", "PRECONDITION_FAILED", "The Pesos wallet is not in use any more."],
    ["credits", "savings", "NOT_FOUND", "There is no such wallet."],
  ])("refuses %s to %s", async (from, to, code, message) => {
    const member = await makeMember("refusedmover");
    await expect(planWalletMove(pool, member.id, { fromWalletTypeId: from, toWalletTypeId: to, amount: 100n })).rejects.toMatchObject({ code, message });
  });

  it("moves earnings into credits at 1:1 with no fee row", async () => {
    const performer = await makePerformer(admin, "Earner Spender");
    await fundUser(pool, performer.id, 250n, "earnings");
    const plan = await planWalletMove(pool, performer.id, { fromWalletTypeId: "earnings", toWalletTypeId: "credits", amount: 250n });
    expect(plan.quote).toEqual({ amount: 250n, fee: 0n, net: 250n, result: 250n });
    await postWalletMove(pool, plan, { kind: "EXCHANGE", idempotencyKey: `exchange:${randomUUID()}`, description: "Earnings to Credits" });
    expect(await walletBalances(pool, performer.id)).toMatchObject({ available: 250n, earnings: 0n });
  });
});
