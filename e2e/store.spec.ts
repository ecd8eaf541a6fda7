import { expect, signIn, test } from "./fixtures";
import { fillAddress, openItem } from "./fixtures/store";
import { expectSameDocument, markDocument } from "./fixtures/wallet";

/**
 * The store end to end: a member pays a seeded item from the wallet and finds the order; another order is paid
 * partly from the wallet and partly by card through the Stripe emulator's pay page, and its order page turns to
 * paid by itself once the webhook settles it.
 */

const ORDER_PAGE = /\/orders\/[0-9a-f-]{36}/;

test("a member buys a T-shirt with credits and finds the order", async ({ page, mail }) => {
  await signIn(page, "member1");
  const panel = await openItem(page, "Tipmeter T-shirt");
  const walletPart = panel.getByRole("textbox", { name: "From your wallet" });
  await expect(walletPart).toHaveValue("150");
  await walletPart.fill("20");
  await expect(panel.getByLabel("Order total")).toContainText("(130 credits)");
  // The button names what it does and how much, instead of a bare "Most".
  await panel.getByRole("button", { name: "Pay the most from your wallet (150 credits)" }).click();
  await expect(walletPart).toHaveValue("150");
  await expect(panel.getByLabel("Order total")).toContainText("Nothing");
  await fillAddress(page);
  await panel.getByRole("button", { name: "Review order" }).click();

  const dialog = page.getByRole("dialog", { name: "Buy Tipmeter T-shirt?" });
  await expect(dialog).toContainText("150 credits leave your Credits wallet now.");
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
  await expect(dialog).toContainText("20 credits are set aside from your Credits wallet now, and $10.00 is charged to your card");
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

test("a member pays half of an order from the Bonus wallet and the rest by card, and sees both wallets after reload", async ({ page }) => {
  await signIn(page, "member2");
  const panel = await openItem(page, "Signed photo");
  const balanceIn = async (name: string) => {
    const label = await panel.getByRole("radio", { name: new RegExp(`^${name}: `) }).getAttribute("aria-label");
    return Number((label ?? "").replace(/^\w+: /, "").replace(/ credits$/, "").replace(/,/g, ""));
  };
  const creditsBefore = await balanceIn("Credits");
  const bonusBefore = await balanceIn("Bonus");
  expect(bonusBefore).toBeGreaterThanOrEqual(60);

  await panel.getByRole("radio", { name: /^Bonus: / }).check();
  // Bonus covers at most half of the 120-credit order: the panel says so and fills in that most.
  await expect(panel).toContainText("Your Bonus wallet pays at most 50% of an order: up to 60 credits here");
  await expect(panel.getByRole("textbox", { name: "From your wallet" })).toHaveValue("60");
  await expect(panel.getByLabel("Order total")).toContainText("$6.00 (60 credits)");
  await panel.getByRole("textbox", { name: "From your wallet" }).fill("61");
  await fillAddress(page);
  await panel.getByRole("button", { name: "Review order" }).click();
  await expect(panel).toContainText("Your Bonus wallet can pay at most 60 credits of this order.");
  await panel.getByRole("button", { name: "Pay the most from your wallet (60 credits)" }).click();
  await panel.getByRole("button", { name: "Review order" }).click();

  const dialog = page.getByRole("dialog", { name: "Buy Signed photo?" });
  await expect(dialog).toContainText("60 credits are set aside from your Bonus wallet now, and $6.00 is charged to your card");
  await dialog.getByRole("button", { name: "Continue to card payment" }).click();
  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  await expect(page.getByRole("table", { name: "Order summary" })).toContainText("Signed photo: 60 credits by card");
  await page.getByRole("button", { name: "Pay", exact: true }).click();

  await expect(page).toHaveURL(ORDER_PAGE);
  await expect(page.getByRole("status").filter({ hasText: "Order paid." })).toBeVisible({ timeout: 15_000 });
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: "Order paid." })).toBeVisible();
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("$6.00 (60 credits)");
  await expect(summary).toContainText(/From Bonus\s*60 credits/);

  const again = await openItem(page, "Signed photo");
  await page.reload();
  await expect(again.getByRole("button", { name: "Review order" })).toBeEnabled();
  await expect(again.getByRole("radio", { name: `Bonus: ${bonusBefore - 60} credits` })).toBeVisible();
  await expect(again.getByRole("radio", { name: `Credits: ${creditsBefore.toLocaleString("en")} credits` })).toBeVisible();
});
