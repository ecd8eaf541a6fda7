import { readFile } from "node:fs/promises";
import { expect, signIn, test } from "./fixtures";
import { signUpThroughPage } from "./fixtures/sign-up";

/**
 * The admin's view of their own trail: the users table at a common laptop size, and an adjustment followed from
 * the users table to the audit log, its CSV export and the ledger explorer.
 */

test("at 1366x768 the users table shows Adjust and Suspend whole on a row with long names, and they work", async ({ page, browser }) => {
  // The widest row a sign-up can make: a long name and email, and a performer application pending review.
  const stamp = Date.now().toString(36);
  const displayName = "Alexandra Konstantinopoulou-Whitfield";
  const username = `akw${stamp}`;
  const applicant = await (await browser.newContext()).newPage();
  await signUpThroughPage(applicant, {
    email: `alexandra.konstantinopoulou-whitfield.${stamp}@tipmeter.test`,
    username,
    displayName,
    stageName: "Alexandra K-W",
  });

  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, "admin");
  await page.goto("/admin/users");

  const adjust = page.getByRole("button", { name: `Adjust balance of ${displayName} (@${username})` });
  const suspend = page.getByRole("button", { name: `Suspend ${displayName} (@${username})` });
  for (const button of [adjust, suspend]) {
    // Fully visible as the page first shows it, not after something scrolls the table sideways.
    await expect(button).toBeInViewport({ ratio: 1 });
    const box = await button.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 1366).toBe(true);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);

  await suspend.click();
  const confirm = page.getByRole("dialog", { name: `Suspend ${displayName}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();

  await adjust.click();
  const dialog = page.getByRole("dialog", { name: `Adjust ${displayName}'s balance` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("an adjustment is in the audit log under its admin, survives a reload, exports, and the ledger names the admin", async ({ page }) => {
  const reason = `Audit trail check ${Date.now().toString(36)}`;
  await signIn(page, "admin");
  await page.goto("/admin/users?q=member1%40tipmeter.test");
  await page.getByRole("button", { name: "Adjust balance of Mia Member (@member1)" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust Mia Member's balance" });
  await dialog.getByLabel("Wallet").selectOption("credits");
  await dialog.getByRole("radio", { name: "Add" }).check();
  await dialog.getByLabel("Amount").fill("7");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Balance adjusted");

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("Action").selectOption({ label: "Balance adjusted" });
  await filters.getByLabel("Target user").fill("member1@tipmeter");
  await filters.getByRole("button", { name: /Mia Member/ }).click();
  await expect(filters).toContainText("member1@tipmeter.test");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("action") === "ledger.adjust" && /^[0-9a-f-]{36}$/.test(url.searchParams.get("target") ?? ""));

  const row = page.getByRole("row").filter({ hasText: reason });
  await expect(row).toContainText("Ava (Admin)");
  await expect(row).toContainText("admin@tipmeter.test");
  await expect(row).toContainText("Balance adjusted");
  await expect(row).toContainText("Mia Member");
  await expect(row).toContainText("Amount7");
  await expect(row).toContainText("Walletcredits");
  await expect(row).toContainText("CurrencyCRD");
  // Every row the filter left is an adjustment of Mia Member's balance.
  const rows = page.getByRole("row").filter({ has: page.getByRole("cell") });
  for (const text of await rows.allInnerTexts()) {
    expect(text).toContain("Balance adjusted");
    expect(text).toContain("member1@tipmeter.test");
  }

  const filteredUrl = page.url();
  await page.reload();
  await expect(page).toHaveURL(filteredUrl);
  await expect(filters.getByLabel("Action")).toHaveValue("ledger.adjust");
  await expect(filters).toContainText("member1@tipmeter.test");
  await expect(page.getByRole("row").filter({ hasText: reason })).toContainText("Ava (Admin)");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const line = csv.split("\r\n").find((text) => text.includes(reason));
  expect(line).toContain("Ava (Admin),admin@tipmeter.test,Balance adjusted,ledger.adjust,Mia Member,member1@tipmeter.test");
  expect(csv).not.toContain("user.suspended");

  await row.getByRole("link", { name: /^#\d+$/ }).click();
  await expect(page).toHaveURL(/\/admin\/ledger\?tx=\d+$/);
  const transaction = page.getByRole("article").filter({ hasText: `Adjustment: ${reason}` });
  await expect(transaction).toContainText("Adjusted by Ava (Admin) (admin@tipmeter.test)");
});

test("an admin finds the undelivered messages from the overview", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("link", { name: /Undelivered messages/ }).click();
  await expect(page).toHaveURL(/\/admin\/outbox$/);
  await expect(page.getByRole("heading", { level: 1, name: "Undelivered messages" })).toBeVisible();
  await expect(page.getByText("Everything went out")).toBeVisible();
});
