import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fixtures from "./fixtures.json";
import { CHECKOUT_PARAMS, startHarness, submitPayPage, type Harness } from "./testing";

/**
 * Every object the emulator returns must carry every field of Stripe's own example of that object
 * (fixtures.json), nested objects included, so app code never meets a field that production would have.
 */

type Json = Record<string, unknown>;
const examples = fixtures.resources as Record<string, Json>;

// Keys whose values are maps chosen by the caller or Stripe (metadata, capabilities) or a polymorphic
// payload (an event's data.object); their members differ by design.
const OPEN_MAPS = new Set(["metadata", "capabilities", "object", "previous_attributes"]);
// Fields of the example that do not apply: charge.refunds is sent only when expanded, and the example bank
// account belongs to a customer while a connected account's payout account has no customer.
const NOT_APPLICABLE: Record<string, string[]> = { charge: ["refunds"], bank_account: ["customer"] };

function missingKeys(example: Json, actual: Json, path: string): string[] {
  return Object.entries(example).flatMap(([key, exampleValue]) => {
    const here = `${path}.${key}`;
    if (!(key in actual)) return [here];
    const value = actual[key];
    const bothObjects =
      exampleValue !== null && typeof exampleValue === "object" && !Array.isArray(exampleValue) && value !== null && typeof value === "object" && !Array.isArray(value);
    if (!bothObjects || OPEN_MAPS.has(key)) return [];
    return missingKeys(exampleValue as Json, value as Json, here);
  });
}

function expectShapedLike(resource: string, object: unknown) {
  const example = examples[resource];
  if (!example) throw new Error(`no fixture for ${resource}`);
  const actual = object as Json;
  const skipped = new Set(NOT_APPLICABLE[resource] ?? []);
  const trimmed = Object.fromEntries(Object.entries(example).filter(([key]) => !skipped.has(key)));
  expect(actual.object ?? resource).toBe(example.object ?? resource);
  expect(missingKeys(trimmed, actual, resource)).toEqual([]);
}

let harness: Harness;
const seen = new Map<string, unknown>();

beforeAll(async () => {
  harness = await startHarness();
  const { stripe } = harness;
  const session = await stripe.checkout.sessions.create(CHECKOUT_PARAMS);
  await submitPayPage(session, "pay");
  const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items"] });
  const paymentIntent = await stripe.paymentIntents.retrieve(String(paid.payment_intent));
  const charge = await stripe.charges.retrieve(String(paymentIntent.latest_charge));
  const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 100 });
  const other = await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa", confirm: true });
  const dispute = await harness.control("disputes", { payment_intent: other.id });
  const account = await stripe.accounts.create({ type: "express", capabilities: { transfers: { requested: true } } });
  await harness.control(`accounts/${account.id}/complete_onboarding`);
  const onboarded = await stripe.accounts.retrieve(account.id);
  const transfer = await stripe.transfers.create({ amount: 500, currency: "usd", destination: account.id });
  const payout = await stripe.payouts.create({ amount: 500, currency: "usd" }, { stripeAccount: account.id });
  const reversed = await stripe.transfers.create({ amount: 300, currency: "usd", destination: account.id });
  const reversal = await stripe.transfers.createReversal(reversed.id, { amount: 100 });
  const member = await stripe.customers.create({ email: "member@tipmeter.test" });
  const savedCard = await stripe.paymentMethods.attach("pm_card_visa", { customer: member.id });
  const endpoint = await stripe.webhookEndpoints.create({ url: "http://127.0.0.1:9/hook", enabled_events: ["*"] });

  seen.set("checkout.session", paid);
  seen.set("item", paid.line_items?.data[0]);
  seen.set("payment_intent", paymentIntent);
  seen.set("charge", charge);
  seen.set("refund", refund);
  seen.set("dispute", dispute);
  seen.set("balance_transaction", await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)));
  seen.set("account", onboarded);
  seen.set("bank_account", onboarded.external_accounts?.data[0]);
  seen.set(
    "account_link",
    await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", refresh_url: "https://x.test/r", return_url: "https://x.test/d" }),
  );
  seen.set("transfer", transfer);
  seen.set("transfer_reversal", reversal);
  seen.set("payout", payout);
  seen.set("balance", await stripe.balance.retrieve({}, { stripeAccount: account.id }));
  seen.set("event", (await stripe.events.list({ limit: 1 })).data[0]);
  seen.set("customer", member);
  seen.set("payment_method", savedCard);
  seen.set("webhook_endpoint", endpoint);
  seen.set("deleted_webhook_endpoint", await stripe.webhookEndpoints.del(endpoint.id));
});
afterAll(() => harness.close());

describe("objects follow Stripe's examples", () => {
  it.each(Object.keys(fixtures.resources))("%s", (resource) => {
    expect(seen.get(resource)).toBeDefined();
    expectShapedLike(resource, seen.get(resource));
  });

  it("sends livemode false on every object", () => {
    for (const [resource, object] of seen) {
      if ("livemode" in examples[resource]!) expect((object as Json).livemode, resource).toBe(false);
    }
  });

  it("uses Stripe's id prefixes", () => {
    const prefixes: Record<string, RegExp> = {
      "checkout.session": /^cs_test_/,
      payment_intent: /^pi_/,
      charge: /^ch_/,
      refund: /^re_/,
      dispute: /^dp_/,
      transfer: /^tr_/,
      transfer_reversal: /^trr_/,
      payout: /^po_/,
      account: /^acct_/,
      event: /^evt_/,
      webhook_endpoint: /^we_/,
      balance_transaction: /^txn_/,
      item: /^li_/,
      customer: /^cus_/,
      payment_method: /^pm_/,
    };
    for (const [resource, prefix] of Object.entries(prefixes)) expect((seen.get(resource) as Json).id, resource).toMatch(prefix);
    expect(Stripe.API_VERSION).toBe((seen.get("event") as Stripe.Event).api_version);
  });
});
