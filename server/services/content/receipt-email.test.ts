import { expect, it } from "vitest";
import { contentReceiptEmail } from "./receipt-email";

const receipt = {
  to: "member1@tipmeter.test",
  buyerName: "Mia <Member>",
  itemId: "0b0e3c1e-8f0e-4a53-9a3e-0c4b9a1f2d11",
  title: "Moonlight & loops",
  stageName: "Luna Vale",
  price: 1250n,
  transactionId: 42n,
  at: new Date("2026-11-23T13:05:00Z"),
  appUrl: "http://127.0.0.1:3100",
};

it("names the item, the performer, the price, the transaction and the link to open it", () => {
  const email = contentReceiptEmail(receipt);
  expect(email.to).toBe("member1@tipmeter.test");
  expect(email.subject).toBe("Receipt: Moonlight & loops");
  expect(email.text).toContain('You unlocked "Moonlight & loops" from Luna Vale.');
  expect(email.text).toContain("Paid: 1,250 credits from your wallet");
  expect(email.text).toContain("Date: November 23, 2026 at 1:05 PM UTC");
  expect(email.text).toContain("Transaction: #42");
  expect(email.text).toContain("Open it: http://127.0.0.1:3100/content/0b0e3c1e-8f0e-4a53-9a3e-0c4b9a1f2d11");
});

it("escapes what people typed in the HTML part", () => {
  const html = contentReceiptEmail(receipt).html ?? "";
  expect(html).toContain("Mia &#60;Member&#62;");
  expect(html).toContain("Moonlight &#38; loops");
  expect(html).not.toContain("<Member>");
});

it("says credit for one", () => {
  expect(contentReceiptEmail({ ...receipt, price: 1n }).text).toContain("Paid: 1 credit from your wallet");
});
