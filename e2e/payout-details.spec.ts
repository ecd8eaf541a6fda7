import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { approveApplication, newAccount, signUpThroughPage } from "./fixtures/sign-up";

/**
 * Payout details and the payout policy saved through their pages, each behind a confirmation dialog declared
 * inside the form it confirms: from an empty form to the stored values, and still there after a reload.
 */

async function signUpApplicant(page: Page): Promise<string> {
  const account = await signUpThroughPage(page, newAccount("payee", "Payee Pia", "Stage"));
  return account.username;
}

async function fillPayPalDetails(page: Page, paypalEmail: string): Promise<void> {
  const form = page.getByRole("form", { name: "Payout details" });
  await form.getByLabel("Payout method").selectOption("PAYPAL");
  await form.getByLabel("Legal name").fill("Pia Payee");
  await form.getByLabel("Country").fill("DE");
  await form.getByLabel("Tax ID").fill("DE123456789");
  await form.getByLabel("PayPal email").fill(paypalEmail);
  await form.getByRole("button", { name: "Save payout details" }).click();
  const confirm = page.getByRole("dialog", { name: "Change your payout details?" });
  await confirm.getByRole("button", { name: "Save and pause withdrawals" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Payout details saved");
  await expect(confirm).toBeHidden();
}

async function expectStoredPayPalDetails(page: Page, paypalEmail: string): Promise<void> {
  await page.reload();
  const form = page.getByRole("form", { name: "Payout details" });
  await expect(form.getByLabel("Legal name")).toHaveValue("Pia Payee");
  await expect(form.getByLabel("PayPal email")).toHaveValue(paypalEmail);
  await expect(form).toContainText("withdrawals are paused until");
}

test("an applicant saves payout details on their account page, and as a performer changes them on the payout page", async ({ page, browser }) => {
  const username = await signUpApplicant(page);
  await fillPayPalDetails(page, `${username}@paypal.example`);
  await expectStoredPayPalDetails(page, `${username}@paypal.example`);

  await approveApplication(browser, `Stage ${username}`);
  await page.goto("/performer/payout-profile");
  await expect(page).toHaveURL(/\/performer\/payout-profile$/);
  await fillPayPalDetails(page, `${username}.new@paypal.example`);
  await expectStoredPayPalDetails(page, `${username}.new@paypal.example`);
});

test("an admin turns on auto-approval through its warning, and off again", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/payouts/settings");
  await page.getByLabel("Approve small requests automatically").check();
  await page.getByLabel("Up to (credits)").fill("150");
  await page.getByRole("button", { name: "Save policy" }).click();
  const warning = page.getByRole("dialog", { name: "Approve withdrawals without review?" });
  await warning.getByRole("button", { name: "Turn on auto-approval" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Payout policy saved");

  await page.reload();
  await expect(page.getByText("Auto-approval is on: requests of up to 150 credits are approved without review.")).toBeVisible();
  await page.getByLabel("Approve small requests automatically").uncheck();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Payout policy saved");
  await page.reload();
  await expect(page.getByText("Off: an admin reviews every request.")).toBeVisible();
});
