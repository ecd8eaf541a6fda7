import { ensureAvailableCreditsOf } from "./fixtures/credits";
import { newAccount, signUpThroughPage } from "./fixtures/sign-up";
import { expect, signIn, test } from "./fixtures";

/**
 * Exchanges between a member's own wallets at the admin's rates (seeded: 1 CRD = 0.09 USD with a 2% fee), and the
 * admin's exchange-rate schedule.
 */

test("a new member exchanges credits into Dollars, sees both balances, and sees them again after a reload", async ({ page, baseURL }) => {
  const account = await signUpThroughPage(page, newAccount("exchanger", "Ezra Exchanger"));
  await ensureAvailableCreditsOf(String(baseURL), account.email, 1_000n, "End-to-end setup: credits to exchange");

  await page.goto("/wallet/exchange");
  const balances = page.getByRole("list", { name: "Your wallets" });
  await expect(balances.getByRole("listitem").filter({ hasText: /^Credits/ })).toContainText("1,000 credits");
  await expect(balances.getByRole("listitem").filter({ hasText: /^Dollars/ })).toContainText("$0.00");

  const form = page.getByRole("region", { name: "Exchange" });
  await form.getByLabel("From").selectOption("credits");
  await form.getByLabel("To").selectOption("usd");
  await form.getByLabel("Amount (CRD)").fill("1,000.5");
  await form.getByRole("button", { name: "Get quote" }).click();
  await expect(form.getByText("Enter a whole number: this currency has no decimals.")).toBeVisible();

  await form.getByLabel("Amount (CRD)").fill("1000");
  await form.getByRole("button", { name: "Get quote" }).click();
  const quote = form.locator("dl[aria-label='Quote']");
  await expect(quote).toContainText("1 CRD = 0.09 USD");
  await expect(quote).toContainText("20 credits (2%)");
  await expect(quote).toContainText("$88.20 in Dollars");
  await expect(form.getByRole("timer")).toContainText(/holds for \d+ more seconds?/);

  await form.getByRole("button", { name: "Confirm exchange" }).click();
  await expect(form.getByRole("status")).toContainText("Exchanged 1,000 credits for $88.20.");
  const after = form.locator("dl[aria-label='New balances']");
  await expect(after).toContainText("Credits0 credits");
  await expect(after).toContainText("Dollars$88.20");
  await expect(balances.getByRole("listitem").filter({ hasText: /^Dollars/ })).toContainText("$88.20");

  await page.reload();
  await expect(balances.getByRole("listitem").filter({ hasText: /^Credits/ })).toContainText("0 credits");
  await expect(balances.getByRole("listitem").filter({ hasText: /^Dollars/ })).toContainText("$88.20");
});

test("an admin adds an exchange rate through the page and sees it in the schedule after a reload", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("link", { name: "Exchange rates" }).first().click();
  await expect(page).toHaveURL(/\/admin\/exchange-rates$/);

  // A pair nobody exchanges in these tests, starting tomorrow, with a rate this run alone uses. It ends in a 7
  // because the schedule shows rates without trailing zeros.
  const rate = `18.${Date.now().toString().slice(-6)}7`;
  const tomorrow = new Date(Date.now() + 86_400_000);
  const startsAt = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}T12:00`;
  const form = page.getByRole("region", { name: "Add a rate" });
  await form.getByLabel("From").selectOption("EUR");
  await form.getByLabel("To").selectOption("MXN");
  await form.getByLabel("Rate").fill(rate);
  await form.getByLabel("Fee (%)").fill("1.5");
  await form.getByLabel("Starts").fill(startsAt);
  await form.getByRole("button", { name: "Add rate" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Rate added");

  const row = page.getByRole("row").filter({ hasText: `1 EUR = ${rate} MXN` });
  await expect(row).toContainText("1.5%");
  await expect(row).toContainText("Scheduled");
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: `1 EUR = ${rate} MXN` })).toContainText("Scheduled");
});
