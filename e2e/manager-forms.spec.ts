import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { approveApplication, newAccount, signUpThroughPage } from "./fixtures/sign-up";

/**
 * The managers no other spec saves through: a performer's room settings, and an admin's payout method terms and
 * payout fields. Each goes from the form to the stored values and back after a reload, and a refused input
 * shows its message and changes nothing.
 */

function roomSettings(page: Page) {
  return page.getByRole("region", { name: "Room settings" });
}

test("a performer prices their room through its settings form: an out-of-bounds price is refused, the saved terms are there after a reload", async ({ page, browser }) => {
  const account = await signUpThroughPage(page, newAccount("roomy", "Roomy Rae", "Stage"));
  await approveApplication(browser, account.stageName ?? "");
  await page.goto(`/room/${account.username}`);

  const settings = roomSettings(page);
  const privatePrice = settings.getByLabel("Private show price (credits a minute)");
  await expect(privatePrice).toHaveValue("");
  await privatePrice.fill("999999999");
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings).toContainText(/Enter whole credits from \d+ to \d+, or leave it blank\./);
  await expect(privatePrice).toHaveAttribute("aria-invalid", "true");

  await page.reload();
  await expect(roomSettings(page).getByLabel("Private show price (credits a minute)")).toHaveValue("");

  await roomSettings(page).getByLabel("Private show price (credits a minute)").fill("45");
  await roomSettings(page).getByLabel("Free time at the start (seconds)").fill("20");
  await roomSettings(page).getByLabel("Meter control").selectOption({ label: "I start, pause and stop the meter" });
  await roomSettings(page).getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Room settings saved");

  await page.reload();
  await expect(roomSettings(page).getByLabel("Private show price (credits a minute)")).toHaveValue("45");
  await expect(roomSettings(page).getByLabel("Free time at the start (seconds)")).toHaveValue("20");
  await expect(roomSettings(page).getByLabel("Meter control")).toHaveValue("PERFORMER_CONTROLS");
});

test("an admin changes a payout method's terms through its form: a maximum below the minimum is refused, the saved fee is there after a reload", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/payouts/settings");
  const paypal = page.getByRole("form", { name: "PayPal terms" });
  const fixedFee = paypal.getByLabel("Fixed fee (cents)");
  const original = await fixedFee.inputValue();

  await paypal.getByLabel("Maximum (credits)").fill("1");
  await paypal.getByRole("button", { name: "Save PayPal" }).click();
  await expect(paypal).toContainText("The maximum must be at least the minimum.");
  await page.reload();
  await expect(page.getByRole("form", { name: "PayPal terms" }).getByLabel("Maximum (credits)")).not.toHaveValue("1");

  const changed = String(Number(original) + 7);
  await page.getByRole("form", { name: "PayPal terms" }).getByLabel("Fixed fee (cents)").fill(changed);
  await page.getByRole("form", { name: "PayPal terms" }).getByRole("button", { name: "Save PayPal" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("PayPal saved");
  await page.reload();
  await expect(page.getByRole("form", { name: "PayPal terms" }).getByLabel("Fixed fee (cents)")).toHaveValue(changed);
  await expect(page.getByRole("form", { name: "PayPal terms" })).toContainText(`${changed}¢`);

  // The demo's fee again, so specs that withdraw by PayPal see the terms they expect.
  await page.getByRole("form", { name: "PayPal terms" }).getByLabel("Fixed fee (cents)").fill(original);
  await page.getByRole("form", { name: "PayPal terms" }).getByRole("button", { name: "Save PayPal" }).click();
  await page.reload();
  await expect(page.getByRole("form", { name: "PayPal terms" }).getByLabel("Fixed fee (cents)")).toHaveValue(original);
});

test("an admin adds a payout field through its dialog: a bad key is refused under its field, the field is listed after a reload and edits keep its key", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/payouts/settings");
  const key = `e2e_note_${Date.now().toString(36)}`;
  const label = `Payout note ${key.slice(-6)}`;

  await page.getByRole("button", { name: "Add field" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a payout field" });
  await dialog.getByLabel("Label").fill(label);
  await dialog.getByLabel("Key").fill("Not A Key");
  // Not required and not in use, so no performer's profile gains a missing field.
  await dialog.getByLabel("Required").uncheck();
  await dialog.getByLabel("In use").uncheck();
  await dialog.getByRole("button", { name: "Add field" }).click();
  await expect(dialog.getByLabel("Key")).toHaveAttribute("aria-invalid", "true");

  await dialog.getByLabel("Key").fill(key);
  await dialog.getByRole("button", { name: "Add field" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Field added");

  await page.reload();
  const table = page.getByRole("table", { name: "Payout profile fields" });
  await expect(table).toContainText(label);
  await expect(table).toContainText(key);
  await page.getByRole("button", { name: `Edit ${label}` }).click();
  const editor = page.getByRole("dialog", { name: `Edit ${label}` });
  await expect(editor.getByLabel("Key")).toHaveValue(key);
  await expect(editor.getByLabel("Key")).toBeDisabled();
  await expect(editor.getByLabel("In use")).not.toBeChecked();
});
