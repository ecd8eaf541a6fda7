import { formatCredits } from "@/server/domain/money";
import { expect, signIn, test } from "./fixtures";
import { availableAmount, expectSameDocument, markDocument, readAvailableCredits } from "./fixtures/wallet";

/**
 * An admin's balance adjustment reaching a member's open wallet over the realtime channel: two signed-in
 * browsers, no reload on the member's side.
 */

test("an admin credits a member, whose open wallet updates live", async ({ browser }) => {
  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, "member2");
  // The private channel is subscribed: from here on, only the realtime event can move the balance.
  await expect(memberPage.getByRole("status").filter({ hasText: /^Live/ })).toBeVisible();
  const before = await readAvailableCredits(memberPage);
  await markDocument(memberPage);

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, "admin");
  await adminPage.goto("/admin/users?q=member2%40tipmeter.test");
  await adminPage.getByRole("button", { name: "Adjust balance of Max Member (@member2)" }).click();

  const dialog = adminPage.getByRole("dialog", { name: "Adjust Max Member's balance" });
  const reason = `Goodwill credit ${Date.now().toString(36)}`;
  await dialog.getByLabel("Wallet").selectOption("credits");
  await dialog.getByRole("radio", { name: "Add" }).check();
  await dialog.getByLabel("Amount").fill("25");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText("Add 25 credits to the Credits wallet");
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();

  await expect(adminPage.getByRole("region", { name: "Notifications" })).toContainText("Balance adjusted");
  await expect(dialog).toBeHidden();

  await expect(availableAmount(memberPage)).toHaveText(formatCredits(before + 25n));
  const line = memberPage.getByRole("row").filter({ hasText: reason });
  await expect(line).toContainText("Tipmeter support");
  await expect(line).toContainText("+25");
  await expectSameDocument(memberPage);
});

test("a debit larger than the balance is refused inside the dialog", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/users?q=member2%40tipmeter.test");
  await page.getByRole("button", { name: "Adjust balance of Max Member (@member2)" }).click();

  const dialog = page.getByRole("dialog", { name: "Adjust Max Member's balance" });
  await dialog.getByRole("radio", { name: "Remove" }).check();
  await dialog.getByLabel("Amount").fill("1,000,000,000");
  await dialog.getByLabel("Reason").fill("Testing the overdraft guard");
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();

  await expect(dialog.getByRole("alert")).toContainText("That would take the Credits balance below zero.");
  await expect(dialog).toBeVisible();
});

test("a dollar amount with a third decimal is refused in the form, naming the wallet's decimals", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/users?q=member2%40tipmeter.test");
  await page.getByRole("button", { name: "Adjust balance of Max Member (@member2)" }).click();

  const dialog = page.getByRole("dialog", { name: "Adjust Max Member's balance" });
  await dialog.getByLabel("Wallet").selectOption("usd");
  await dialog.getByLabel("Amount").fill("1.234");
  await dialog.getByLabel("Reason").fill("Too precise");
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText("Dollars amounts have at most 2 decimals.");
  await dialog.getByLabel("Amount").fill("1.23");
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText("Add $1.23 to the Dollars wallet");
});
