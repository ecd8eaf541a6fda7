import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { StripeApiError } from "./errors";
import { fingerprint, parseForm } from "./form";
import { formatAmount } from "./money";
import { signatureHeader } from "./webhooks";

describe("parseForm", () => {
  it("decodes Stripe's bracketed keys into nested objects and indexed arrays", () => {
    const body =
      "line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&line_items[1][quantity]=1" +
      "&metadata[order%20id]=a%26b&expand[0]=line_items&expand[1]=payment_intent&success_url=https%3A%2F%2Fx.test%2F%3Fid%3D%7BCHECKOUT_SESSION_ID%7D";

    expect(parseForm(body)).toEqual({
      line_items: [{ price_data: { currency: "usd" }, quantity: "2" }, { quantity: "1" }],
      metadata: { "order id": "a&b" },
      expand: ["line_items", "payment_intent"],
      success_url: "https://x.test/?id={CHECKOUT_SESSION_ID}",
    });
  });

  it("appends for empty brackets and orders indexes numerically", () => {
    expect(parseForm("expand[]=a&expand[]=b")).toEqual({ expand: ["a", "b"] });
    expect(parseForm("items[10]=k&items[2]=c")).toEqual({ items: ["c", "k"] });
  });

  it("rejects keys that are both a value and a hash, and prototype keys", () => {
    expect(() => parseForm("metadata=x&metadata[a]=b")).toThrow(StripeApiError);
    expect(() => parseForm("metadata[__proto__][polluted]=1")).toThrow(StripeApiError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("matches what the SDK sends, whatever the key order", () => {
    expect(fingerprint(parseForm("a=1&b[x]=2"))).toBe(fingerprint(parseForm("b[x]=2&a=1")));
    expect(fingerprint(parseForm("a=1"))).not.toBe(fingerprint(parseForm("a=2")));
  });
});

describe("signatureHeader", () => {
  it("produces a header constructEvent accepts, and only for the signed payload and secret", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" });
    const header = signatureHeader(payload, "whsec_test_secret");

    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Stripe.webhooks.constructEvent(payload, header, "whsec_test_secret").id).toBe("evt_1");
    expect(() => Stripe.webhooks.constructEvent(`${payload} `, header, "whsec_test_secret")).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => Stripe.webhooks.constructEvent(payload, header, "whsec_other")).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});

describe("formatAmount", () => {
  it.each([
    [1234, "usd", "$12.34"],
    [5, "usd", "$0.05"],
    [-1500, "usd", "-$15.00"],
    [1234, "jpy", "¥1,234"],
    [123456789012345, "eur", "€1,234,567,890,123.45"],
  ])("formats %i %s as %s", (amount, currency, expected) => {
    expect(formatAmount(amount, currency)).toBe(expected);
  });
});
