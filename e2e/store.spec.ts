import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { expectSameDocument, markDocument } from "./fixtures/wallet";

/**
 * The store end to end: a member pays a seeded item from the wallet and finds the order; another order is paid
 * partly from the wallet and partly by card through the Stripe emulator's pay page, and its order page turns to
 * paid by itself once the webhook settles it. A seller ships an order while the buyer looks at it: the buyer's
 * order page and orders list, and the seller's list, follow without a reload.
 */

const ORDER_PAGE = /\/orders\/[0-9a-f-]{36}/;

async function openItem(page: Page, title: string) {
  await page.goto("/store");
  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  return page.getByRole("region", { name: "Buy this item" });
}

async function fillAddress(page: Page) {
  const panel = page.getByRole("region", { name: "Buy this item" });
  await panel.getByLabel("Full name").fill("Mia Member");
  await panel.getByLabel("Address", { exact: true }).fill("1 Main Street");
  await panel.getByLabel("City").fill("Springfield");
  await panel.getByLabel("Postal code").fill("12345");
  await panel.getByLabel("Country").fill("US");
}

test("a member buys a T-shirt with credits and finds the order", async ({ page, mail }) => {
  await signIn(page, "member1");
  const panel = await openItem(page, "Tipmeter T-shirt");
  await expect(panel.getByRole("textbox", { name: "From your wallet" })).toHaveValue("150");
  await expect(panel.getByLabel("Order total")).toContainText("Nothing");
  await fillAddress(page);
  await panel.getByRole("button", { name: "Review order" }).click();

  const dialog = page.getByRole("dialog", { name: "Buy Tipmeter T-shirt?" });
  await expect(dialog).toContainText("150 credits leave your wallet now.");
  await dialog.getByRole("button", { name: "Place order" }).click();

  await expect(page).toHaveURL(ORDER_PAGE);
  await expect(page.getByRole("status").filter({ hasText: "Order paid." })).toContainText("The seller ships it next.");
  await expect(page.getByRole("region", { name: "Summary" })).toContainText("1 Main Street");
  const receipt = await mail.waitFor("member1@tipmeter.test", (message) => message.subject === "Receipt: Tipmeter T-shirt");
  expect(receipt.text).toContain("Total: 150 credits");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your orders" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "Tipmeter T-shirt" }).first();
  await expect(row).toContainText("Paid");
  await expect(row).toContainText("150");
});

test("a wallet-and-card order completes through Stripe Checkout and its page turns to paid by itself", async ({ page }) => {
  await signIn(page, "member1");
  const panel = await openItem(page, "Signed photo");
  await panel.getByRole("textbox", { name: "From your wallet" }).fill("20");
  await expect(panel.getByLabel("Order total")).toContainText("$10.00 (100 credits)");
  await fillAddress(page);
  await panel.getByRole("button", { name: "Review order" }).click();

  const dialog = page.getByRole("dialog", { name: "Buy Signed photo?" });
  await expect(dialog).toContainText("20 credits are set aside from your wallet now, and $10.00 is charged to your card");
  await dialog.getByRole("button", { name: "Continue to card payment" }).click();

  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  await expect(page.getByRole("table", { name: "Order summary" })).toContainText("Signed photo: 100 credits by card");
  // A bank debit settles a couple of seconds later, so the order page is seen waiting before it turns paid.
  await page.getByRole("button", { name: "Pay (delayed)", exact: true }).click();

  await expect(page).toHaveURL(ORDER_PAGE);
  await markDocument(page);
  await expect(page.getByRole("status").filter({ hasText: "Awaiting card payment" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Order paid." })).toBeVisible({ timeout: 15_000 });
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("$10.00 (100 credits)");
  await expect(summary).toContainText("20 credits");
  await expectSameDocument(page);
});

test("the seller ships an order the buyer is looking at: both pages follow without a reload", async ({ browser }) => {
  const sellerPage = await (await browser.newContext()).newPage();
  await signIn(sellerPage, "performer1");
  await sellerPage.goto("/performer/orders");
  await expect(sellerPage.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await markDocument(sellerPage);

  const buyerContext = await browser.newContext();
  const orderPage = await buyerContext.newPage();
  await signIn(orderPage, "member2");
  const panel = await openItem(orderPage, "Signed photo");
  await expect(panel.getByLabel("Order total")).toContainText("Nothing");
  await fillAddress(orderPage);
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

  await sellerRow.getByRole("button", { name: "Mark delivered: Signed photo" }).click();
  await sellerPage.getByRole("dialog", { name: "Mark this order delivered?" }).getByRole("button", { name: "Mark delivered" }).click();
  await expect(orderPage.getByRole("status").filter({ hasText: "Order delivered." })).toContainText("It arrived.");
  await expect(listRow).toContainText("Delivered");
  for (const page of [sellerPage, orderPage, listPage]) await expectSameDocument(page);

  await orderPage.reload();
  await expect(orderPage.getByRole("status").filter({ hasText: "Order delivered." })).toBeVisible();
  await expect(orderPage.getByRole("region", { name: "Summary" })).toContainText(`Tracking: ${tracking}`);
});
