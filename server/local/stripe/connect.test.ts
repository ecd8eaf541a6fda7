import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./testing";

let harness: Harness;
let stripe: Stripe;

beforeAll(async () => {
  harness = await startHarness();
  stripe = harness.stripe;
});
afterAll(() => harness.close());
afterEach(async () => {
  await harness.control("reset");
  harness.webhooks.requests.length = 0;
});

async function onboardedAccount() {
  const account = await stripe.accounts.create({
    type: "express",
    email: "performer1@tipmeter.test",
    capabilities: { transfers: { requested: true } },
    metadata: { userId: "u_perf1" },
  });
  await harness.control(`accounts/${account.id}/complete_onboarding`);
  return account;
}

describe("Connect", () => {
  it("creates an express account that needs onboarding before it can take transfers", async () => {
    const account = await stripe.accounts.create({ type: "express", email: "p@tipmeter.test", capabilities: { transfers: { requested: true } } });

    expect(account.id).toMatch(/^acct_/);
    expect(account).toMatchObject({ object: "account", type: "express", payouts_enabled: false, details_submitted: false });
    expect(account.capabilities).toEqual({ transfers: "inactive" });
    const refused = await stripe.transfers.create({ amount: 100, currency: "usd", destination: account.id }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({ code: "insufficient_capabilities_for_transfer", param: "destination" });
  });

  it("marks an account onboarded with a test control and tells the platform with account.updated", async () => {
    const account = await onboardedAccount();

    const retrieved = await stripe.accounts.retrieve(account.id);

    expect(retrieved).toMatchObject({ payouts_enabled: true, details_submitted: true, capabilities: { transfers: "active" } });
    expect(retrieved.external_accounts?.data[0]).toMatchObject({ object: "bank_account", last4: "6789" });
    const updated = await harness.webhooks.waitForEvent("account.updated");
    expect(updated.account).toBe(account.id);
    expect(updated.data.previous_attributes).toMatchObject({ payouts_enabled: false });
  });

  it("onboards through an account link page like Stripe's hosted onboarding", async () => {
    const account = await stripe.accounts.create({ type: "express" });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://tipmeter.test/payouts/refresh",
      return_url: "https://tipmeter.test/payouts/done",
    });
    expect(link).toMatchObject({ object: "account_link" });

    const page = await fetch(link.url);
    expect(await page.text()).toContain("Complete onboarding</button>");
    const submitted = await fetch(link.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=complete",
      redirect: "manual",
    });

    expect(submitted.status).toBe(303);
    expect(submitted.headers.get("location")).toBe("https://tipmeter.test/payouts/done");
    expect((await stripe.accounts.retrieve(account.id)).payouts_enabled).toBe(true);
    expect((await fetch(link.url)).status).toBe(404);
  });

  it("transfers to an onboarded account, idempotently", async () => {
    const account = await onboardedAccount();
    const params = { amount: 2500, currency: "usd", destination: account.id, metadata: { withdrawalId: "w_1" } };

    const transfer = await stripe.transfers.create(params, { idempotencyKey: "withdrawal-w_1" });
    const replay = await stripe.transfers.create(params, { idempotencyKey: "withdrawal-w_1" });

    expect(transfer.id).toMatch(/^tr_/);
    expect(replay.id).toBe(transfer.id);
    expect(transfer).toMatchObject({ object: "transfer", amount: 2500, destination: account.id, metadata: { withdrawalId: "w_1" } });
    await harness.webhooks.waitForEvent("transfer.created");
    expect((await stripe.transfers.list({ destination: account.id })).data).toHaveLength(1);
    expect((await stripe.balance.retrieve({}, { stripeAccount: account.id })).available).toEqual([
      { amount: 2500, currency: "usd", source_types: { card: 2500 } },
    ]);
  });

  it("pays out from the connected account, fails the payout with a control and returns the funds", async () => {
    const account = await onboardedAccount();
    await stripe.transfers.create({ amount: 3000, currency: "usd", destination: account.id });

    const payout = await stripe.payouts.create({ amount: 2000, currency: "usd", metadata: { withdrawalId: "w_2" } }, { stripeAccount: account.id });

    expect(payout.id).toMatch(/^po_/);
    expect(payout).toMatchObject({ object: "payout", status: "pending", amount: 2000, destination: expect.stringMatching(/^ba_/) });
    const created = await harness.webhooks.waitForEvent("payout.created");
    expect(created.account).toBe(account.id);
    await expect(stripe.payouts.retrieve(payout.id)).rejects.toMatchObject({ statusCode: 404 });
    const tooMuch = await stripe.payouts.create({ amount: 1001, currency: "usd" }, { stripeAccount: account.id }).catch((caught: unknown) => caught);
    expect(tooMuch).toMatchObject({ code: "balance_insufficient" });

    const failed = await harness.control<Stripe.Payout>(`payouts/${payout.id}/fail`, { failure_code: "account_closed" });

    expect(failed).toMatchObject({ status: "failed", failure_code: "account_closed", failure_message: "The bank account has been closed." });
    const event = await harness.webhooks.waitForEvent("payout.failed");
    expect(event.account).toBe(account.id);
    expect(event.data.object).toMatchObject({ id: payout.id, status: "failed", metadata: { withdrawalId: "w_2" } });
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe("failed");
    expect((await stripe.balance.retrieve({}, { stripeAccount: account.id })).available[0]?.amount).toBe(3000);
  });

  it("reverses a transfer in part and then in whole, idempotently, moving the money back to the platform", async () => {
    const account = await onboardedAccount();
    const transfer = await stripe.transfers.create({ amount: 3000, currency: "usd", destination: account.id });

    const part = await stripe.transfers.createReversal(transfer.id, { amount: 1000, metadata: { withdrawal_id: "w_3" } }, { idempotencyKey: "reverse-w_3" });
    const replay = await stripe.transfers.createReversal(transfer.id, { amount: 1000, metadata: { withdrawal_id: "w_3" } }, { idempotencyKey: "reverse-w_3" });
    const rest = await stripe.transfers.createReversal(transfer.id);

    expect(part).toMatchObject({ object: "transfer_reversal", amount: 1000, currency: "usd", transfer: transfer.id, metadata: { withdrawal_id: "w_3" } });
    expect(part.id).toMatch(/^trr_/);
    expect(replay.id).toBe(part.id);
    expect(rest).toMatchObject({ amount: 2000, metadata: {} });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 3000, reversed: true });
    expect((await stripe.transfers.listReversals(transfer.id)).data.map((reversal) => reversal.id)).toEqual([rest.id, part.id]);
    expect((await stripe.balanceTransactions.retrieve(String(part.balance_transaction))).amount).toBe(1000);
    expect((await stripe.balance.retrieve({}, { stripeAccount: account.id })).available[0]?.amount).toBe(0);
    const event = await harness.webhooks.waitForEvent("transfer.reversed");
    expect(event.data.object).toMatchObject({ id: transfer.id });
    const again = await stripe.transfers.createReversal(transfer.id).catch((caught: unknown) => caught);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it("refuses to reverse more than the transfer, or money the connected account no longer holds", async () => {
    const account = await onboardedAccount();
    const transfer = await stripe.transfers.create({ amount: 1500, currency: "usd", destination: account.id });
    const tooMuch = await stripe.transfers.createReversal(transfer.id, { amount: 1501 }).catch((caught: unknown) => caught);
    expect(tooMuch).toMatchObject({ param: "amount" });

    await stripe.payouts.create({ amount: 1000, currency: "usd" }, { stripeAccount: account.id });
    const paidOut = await stripe.transfers.createReversal(transfer.id).catch((caught: unknown) => caught);

    expect(paidOut).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(paidOut).toMatchObject({ code: "balance_insufficient" });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 0, reversed: false });
    await expect(stripe.transfers.createReversal("tr_missing")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("fails a payout whose returned funds are paid out again at once, so its transfer can't be reversed any more", async () => {
    const account = await onboardedAccount();
    const transfer = await stripe.transfers.create({ amount: 1200, currency: "usd", destination: account.id });
    const payout = await stripe.payouts.create({ amount: 1200, currency: "usd" }, { stripeAccount: account.id });

    const failed = await harness.control<Stripe.Payout>(`payouts/${payout.id}/fail`, { failure_code: "could_not_process", paid_out_again: true });

    expect(failed).toMatchObject({ id: payout.id, status: "failed", failure_code: "could_not_process" });
    expect((await stripe.balance.retrieve({}, { stripeAccount: account.id })).available[0]?.amount).toBe(0);
    const payouts = await stripe.payouts.list({}, { stripeAccount: account.id });
    expect(payouts.data.map((each) => [each.amount, each.status])).toEqual([[1200, "pending"], [1200, "failed"]]);
    const refused = await stripe.transfers.createReversal(transfer.id).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ code: "balance_insufficient" });
  });

  it("marks a payout paid with a control", async () => {
    const account = await onboardedAccount();
    await stripe.transfers.create({ amount: 1000, currency: "usd", destination: account.id });
    const payout = await stripe.payouts.create({ amount: 1000, currency: "usd" }, { stripeAccount: account.id });

    await harness.control(`payouts/${payout.id}/paid`);

    const paid = await harness.webhooks.waitForEvent("payout.paid");
    expect(paid.data.object).toMatchObject({ id: payout.id, status: "paid" });
    await expect(harness.control(`payouts/${payout.id}/fail`)).rejects.toThrow(/already paid/);
  });

  it("refuses payouts while payouts are disabled", async () => {
    const account = await onboardedAccount();
    await stripe.transfers.create({ amount: 1000, currency: "usd", destination: account.id });
    await harness.control(`accounts/${account.id}/disable_payouts`);

    const refused = await stripe.payouts.create({ amount: 500, currency: "usd" }, { stripeAccount: account.id }).catch((caught: unknown) => caught);

    expect(refused).toMatchObject({ code: "payouts_not_allowed" });
  });
});
