import type { Page } from "@playwright/test";
import { formatCredits } from "@/server/domain/money";
import { expect, signIn, test } from "./fixtures";
import { availableAmount, expectSameDocument, markDocument, readAvailableCredits } from "./fixtures/wallet";

/**
 * Buying credits end to end: the shop, Stripe Checkout (the local emulator's pay page), the signed webhook
 * crediting the ledger, and the purchase page following the purchase until the credits are in.
 */

const STARTER_CREDITS = 100n;

/** From the wallet to the emulator's pay page for the Starter package; returns the balance before buying. */
async function checkOutStarter(page: Page): Promise<bigint> {
  await signIn(page, "member1");
  const before = await readAvailableCredits(page);
  await page.getByRole("main").getByRole("link", { name: "Buy credits" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Buy credits" })).toBeVisible();
  await page.getByRole("button", { name: "Buy Starter" }).click();
  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  await expect(page.getByRole("table", { name: "Order summary" })).toContainText("Starter: 100 credits");
  return before;
}

test("a member buys Starter and sees the credits land without reloading", async ({ page, mail }) => {
  const before = await checkOutStarter(page);
  const after = formatCredits(before + STARTER_CREDITS);

  await page.getByRole("button", { name: "Pay", exact: true }).click();

  await expect(page).toHaveURL(/\/wallet\/purchases\/[0-9a-f-]{36}\?session_id=/);
  const purchaseId = new URL(page.url()).pathname.split("/").pop() ?? "";
  await markDocument(page);
  await expect(page.getByRole("heading", { level: 1, name: "100 credits added" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "credits added" })).toContainText(`Your available balance is now ${after} credits`);

  await page.getByRole("link", { name: "Back to wallet" }).click();
  await expect(page).toHaveURL(/\/wallet$/);
  await expect(availableAmount(page)).toHaveText(after);
  const purchaseLine = page.getByRole("row").filter({ hasText: "Card payment" }).first();
  await expect(purchaseLine).toContainText("+100");
  await expectSameDocument(page);

  const receipt = await mail.waitFor("member1@tipmeter.test", (message) => (message.text ?? "").includes(`Receipt number: ${purchaseId}`));
  expect(receipt.subject).toBe("Receipt: 100 credits for $9.99");
  expect(receipt.text).toContain("Credits received: 100 credits");
  expect(receipt.text).toContain("Paid with: Visa ending in 4242");
  expect(receipt.html).toContain('<a href="http://127.0.0.1:3100/wallet">Your wallet</a>');
  expect((await mail.messages("member1@tipmeter.test")).filter((message) => message.text?.includes(purchaseId))).toHaveLength(1);
});

test("a bank debit shows the payment as pending until it settles", async ({ page }) => {
  const before = await checkOutStarter(page);

  // The emulator settles a delayed payment a couple of seconds later and only then sends the paid webhook.
  await page.getByRole("button", { name: "Pay (delayed)", exact: true }).click();

  await expect(page).toHaveURL(/\/wallet\/purchases\/[0-9a-f-]{36}/);
  await markDocument(page);
  await expect(page.getByRole("heading", { level: 1, name: "Payment pending…" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "100 credits added" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(`Your available balance is now ${formatCredits(before + STARTER_CREDITS)} credits`)).toBeVisible();
  await expectSameDocument(page);
});

test("cancelling checkout returns to the shop with a notice", async ({ page }) => {
  await checkOutStarter(page);
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(page).toHaveURL(/\/wallet\/buy\?cancelled=[0-9a-f-]{36}$/);
  await expect(page.getByRole("status").filter({ hasText: "Checkout cancelled" })).toBeVisible();
});

test("a member buys a package priced in euros: paid in EUR, credits after reload, receipt and history in euros", async ({ page, mail }) => {
  await signIn(page, "member1");
  const before = await readAvailableCredits(page);
  await page.getByRole("main").getByRole("link", { name: "Buy credits" }).click();

  const euroShelf = page.getByRole("region", { name: "Pay in Euros (EUR)" });
  await expect(page.getByRole("region", { name: "Pay in US dollars (USD)" }).getByRole("heading", { name: "Starter", exact: true })).toBeVisible();
  const euroStarter = euroShelf.getByRole("region", { name: "Euro Starter" });
  await expect(euroStarter).toContainText("€9.49");
  await euroStarter.getByRole("button", { name: "Buy Euro Starter" }).click();

  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  const summary = page.getByRole("table", { name: "Order summary" });
  await expect(summary).toContainText("Euro Starter: 100 credits");
  await expect(summary).toContainText("€9.49");
  await page.getByRole("button", { name: "Pay", exact: true }).click();

  await expect(page).toHaveURL(/\/wallet\/purchases\/[0-9a-f-]{36}\?session_id=/);
  const purchaseId = new URL(page.url()).pathname.split("/").pop() ?? "";
  await expect(page.getByRole("heading", { level: 1, name: "100 credits added" })).toBeVisible();

  await page.goto("/wallet");
  await page.reload();
  await expect(availableAmount(page)).toHaveText(formatCredits(before + 100n));
  const purchases = page.getByRole("region", { name: "Card purchases" });
  await expect(purchases.getByRole("row").filter({ hasText: "Euro Starter" })).toContainText("€9.49");
  await expect(purchases).toContainText("€9.49");

  const receipt = await mail.waitFor("member1@tipmeter.test", (message) => (message.text ?? "").includes(`Receipt number: ${purchaseId}`));
  expect(receipt.subject).toBe("Receipt: 100 credits for €9.49");
});
