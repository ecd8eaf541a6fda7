import type { Page } from "@playwright/test";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { quoteWithdrawal } from "@/server/domain/payouts";
import { expect, signIn, test } from "./fixtures";
import { expectSameDocument, markDocument } from "./fixtures/wallet";

/**
 * Pages that follow a status someone else changes, without a reload (issue 10, point 4): Luna's withdrawals page
 * while an admin approves and pays her request; the admin's open queue while Luna requests and cancels; a buyer's
 * order page and orders list while the seller ships and delivers. Each page is marked once open; a reload would
 * drop the mark.
 */

/** The seed's terms: 20 credits = $1; PayPal 30¢ + 2%. */
const SEED_RATE = { credits: 20n, amountMinor: 100n };
const SEED_PAYPAL = { fixedMinor: 30n, percentBps: 200, minCredits: 200n, maxCredits: 100_000n };

const ORDER_PAGE = /\/orders\/[0-9a-f-]{36}/;

async function requestWithdrawal(page: Page, credits: bigint) {
  await page.goto("/performer/withdrawals");
  await page.getByLabel("Credits to withdraw").fill(credits.toString());
  await page.getByRole("button", { name: "Request withdrawal" }).click();
  await page.getByRole("dialog", { name: "Request this withdrawal?" }).getByRole("button", { name: "Request withdrawal" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`Withdrawal of ${formatCredits(credits)} credits requested`);
}

test("the performer's open withdrawals page turns to approved, then paid, as the admin acts", async ({ browser }) => {
  // An amount of its own, so that this run's row is told apart from any other.
  const credits = 1_000n + BigInt(Math.floor(Math.random() * 500));
  const net = formatMinor(quoteWithdrawal(credits, SEED_RATE, SEED_PAYPAL).netMinor, "USD");
  const subject = `the withdrawal of ${formatCredits(credits)} credits by Luna Vale`;

  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await requestWithdrawal(performerPage, credits);
  const row = performerPage.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: net });
  await expect(row).toContainText("Requested");
  await markDocument(performerPage);

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, "admin");
  await adminPage.goto("/admin/withdrawals");
  await adminPage.getByRole("button", { name: `Approve ${subject}` }).click();
  await adminPage.getByRole("dialog", { name: `Approve ${subject}?` }).getByRole("button", { name: "Approve" }).click();
  await expect(adminPage.getByRole("region", { name: "Notifications" })).toContainText("Withdrawal approved");
  await expect(row).toContainText("Approved");

  await adminPage.getByRole("button", { name: `Mark ${subject} paid` }).click();
  const pay = adminPage.getByRole("dialog", { name: `Mark ${subject} paid?` });
  const reference = `PAYPAL-${Date.now().toString(36).toUpperCase()}`;
  await pay.getByLabel("Payment reference").fill(reference);
  await pay.getByRole("button", { name: "Mark paid" }).click();
  await expect(adminPage.getByRole("region", { name: "Notifications" })).toContainText("Marked paid");

  await expect(row).toContainText("Paid");
  await expect(row).toContainText(`Reference: ${reference}`);
  await performerPage.screenshot({ path: "test-results/live-status-withdrawal-paid.png", fullPage: true });
  await expectSameDocument(performerPage);
});

test("the admin's open queue shows a new request and drops it when the performer cancels", async ({ browser }) => {
  const credits = 200n + BigInt(Math.floor(Math.random() * 300));
  const approve = (page: Page) => page.getByRole("button", { name: `Approve the withdrawal of ${formatCredits(credits)} credits by Luna Vale` });

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, "admin");
  await adminPage.goto("/admin/withdrawals");
  await expect(adminPage.getByRole("heading", { level: 1, name: "Withdrawals" })).toBeVisible();
  await markDocument(adminPage);

  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await requestWithdrawal(performerPage, credits);
  await expect(approve(adminPage)).toBeVisible();

  await performerPage.getByRole("button", { name: `Cancel the withdrawal of ${formatCredits(credits)} credits` }).click();
  await performerPage.getByRole("dialog", { name: "Cancel this withdrawal?" }).getByRole("button", { name: "Cancel withdrawal" }).click();
  await expect(performerPage.getByRole("region", { name: "Notifications" })).toContainText("Withdrawal cancelled");
  await expect(approve(adminPage)).toHaveCount(0);
  await expectSameDocument(adminPage);
});

test("the buyer's open order page and list follow the seller's ship (with tracking) and deliver", async ({ browser }) => {
  const sellerPage = await (await browser.newContext()).newPage();
  await signIn(sellerPage, "performer1");
  await sellerPage.goto("/performer/orders");
  await expect(sellerPage.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await markDocument(sellerPage);

  const buyerContext = await browser.newContext();
  const orderPage = await buyerContext.newPage();
  await signIn(orderPage, "member2");
  await orderPage.goto("/store");
  await orderPage.getByRole("link", { name: "Signed photo", exact: true }).click();
  const panel = orderPage.getByRole("region", { name: "Buy this item" });
  await expect(panel.getByLabel("Order total")).toContainText("Nothing");
  await panel.getByLabel("Full name").fill("Max Member");
  await panel.getByLabel("Address", { exact: true }).fill("2 Side Street");
  await panel.getByLabel("City").fill("Springfield");
  await panel.getByLabel("Postal code").fill("12345");
  await panel.getByLabel("Country").fill("US");
  await panel.getByRole("button", { name: "Review order" }).click();
  await orderPage.getByRole("dialog", { name: "Buy Signed photo?" }).getByRole("button", { name: "Place order" }).click();
  await expect(orderPage).toHaveURL(ORDER_PAGE);
  await expect(orderPage.getByRole("status").filter({ hasText: "Order paid." })).toBeVisible();
  const orderNumber = `#${new URL(orderPage.url()).pathname.split("/").at(-1)?.slice(0, 8) ?? ""}`;
  await markDocument(orderPage);
  const listPage = await buyerContext.newPage();
  await listPage.goto("/orders");
  const listRow = listPage.getByRole("row").filter({ hasText: orderNumber });
  await expect(listRow).toContainText("Paid");
  await markDocument(listPage);

  // The new order appears in the seller's open list by itself.
  const sellerRow = sellerPage.getByRole("row").filter({ hasText: orderNumber });
  await expect(sellerRow).toContainText("Max Member");
  await sellerRow.getByRole("button", { name: "Mark shipped: Signed photo" }).click();
  const ship = sellerPage.getByRole("dialog", { name: "Mark this order shipped?" });
  const tracking = `Royal Mail RM${Date.now().toString(36).toUpperCase()}GB`;
  await ship.getByLabel("Tracking note").fill(tracking);
  await ship.getByRole("button", { name: "Mark shipped" }).click();
  await expect(sellerPage.getByRole("region", { name: "Notifications" })).toContainText("Marked shipped");

  await expect(orderPage.getByRole("status").filter({ hasText: "Order shipped." })).toContainText("It's on its way.");
  await expect(orderPage.getByRole("region", { name: "Summary" })).toContainText(`Tracking: ${tracking}`);
  await expect(listRow).toContainText("Shipped");
  await orderPage.screenshot({ path: "test-results/live-status-order-shipped.png", fullPage: true });

  await sellerRow.getByRole("button", { name: "Mark delivered: Signed photo" }).click();
  await sellerPage.getByRole("dialog", { name: "Mark this order delivered?" }).getByRole("button", { name: "Mark delivered" }).click();
  await expect(orderPage.getByRole("status").filter({ hasText: "Order delivered." })).toContainText("It arrived.");
  await expect(listRow).toContainText("Delivered");
  for (const page of [sellerPage, orderPage, listPage]) await expectSameDocument(page);
});
