import type { Locator, Page } from "@playwright/test";
import { formatCredits } from "@/server/domain/money";
import { expect, signIn, test } from "./fixtures";

/**
 * The admin's page of one user, reached from the users table: every wallet in its currency, an adjustment made
 * from the wallet's own button that the page shows at once and after a reload, and the audit row it left. The
 * member's credits are put back by a second adjustment, so the demo account ends as it started.
 */

/** The first amount on a balance card: "1,234 credits". */
function creditsOn(card: Locator): Locator {
  return card.getByText(/^-?[\d,]+ credits?$/).first();
}

async function readCredits(card: Locator): Promise<bigint> {
  const amount = creditsOn(card);
  await expect(amount).toBeVisible();
  return BigInt((await amount.innerText()).replace(/[^\d-]/g, ""));
}

/** Opens the card's Adjust dialog, which starts on that card's wallet, and confirms an adjustment. */
async function adjustThroughCard(page: Page, card: Locator, direction: "Add" | "Remove", amount: string, reason: string): Promise<void> {
  await card.getByRole("button", { name: "Adjust Credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust Max Member's balance" });
  await expect(dialog.getByLabel("Wallet")).toHaveValue("credits");
  await dialog.getByRole("radio", { name: direction }).check();
  await dialog.getByLabel("Amount").fill(amount);
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText(`${direction} ${amount} credits ${direction === "Add" ? "to" : "from"} the Credits wallet`);
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Balance adjusted");
  await expect(dialog).toBeHidden();
}

test("an admin opens a member from the users table, adjusts their Credits on the page, and finds it after a reload and in the audit log", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const reason = `User page goodwill ${stamp}`;
  await signIn(page, "admin");
  await page.goto("/admin/users?q=member2%40tipmeter.test");
  await page.getByRole("link", { name: "Max Member" }).click();

  await expect(page).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Max Member" })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main).toContainText("@member2 · member2@tipmeter.test");
  await expect(main.getByRole("button", { name: "Suspend Max Member (@member2)" })).toBeVisible();
  const credits = page.getByRole("region", { name: "Credits", exact: true });
  const dollars = page.getByRole("region", { name: "Dollars", exact: true });
  const held = page.getByRole("region", { name: "Held", exact: true });
  await expect(dollars.getByText(/^-?\$[\d,]+\.\d{2}$/)).toBeVisible();
  await expect(held.getByRole("button", { name: "Adjust Held" })).toBeVisible();
  // A member who never opened a card tab has no card tab wallet to look at, and no Earnings.
  await expect(page.getByRole("region", { name: "Card tab", exact: true })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Earnings", exact: true })).toHaveCount(0);
  const before = await readCredits(credits);
  await page.screenshot({ path: test.info().outputPath("admin-user-page.png"), fullPage: true });

  await adjustThroughCard(page, credits, "Add", "25", reason);
  await expect(creditsOn(credits)).toHaveText(formatCredits(before + 25n) + " credits");
  const transactions = page.getByRole("region", { name: "Recent transactions" });
  const line = transactions.getByRole("row").filter({ hasText: `Adjustment: ${reason}` });
  await expect(line).toContainText("Credits wallet · CRD");
  await expect(line).toContainText("+25");

  await page.reload();
  await expect(creditsOn(credits)).toHaveText(formatCredits(before + 25n) + " credits");
  await page.screenshot({ path: test.info().outputPath("admin-user-page-adjusted.png"), fullPage: true });

  await main.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/admin\/audit\?target=[0-9a-f-]{36}$/);
  const row = page.getByRole("row").filter({ hasText: reason });
  await expect(row).toContainText("Balance adjusted");
  await expect(row).toContainText("Ava (Admin)");
  await expect(row).toContainText("Max Member");
  await expect(row).toContainText("Amount25");

  await page.goBack();
  await expect(page.getByRole("heading", { level: 1, name: "Max Member" })).toBeVisible();
  await adjustThroughCard(page, credits, "Remove", "25", `Reverses "${reason}": end-to-end check`);
  await expect(creditsOn(credits)).toHaveText(formatCredits(before) + " credits");
});

test("a performer's page shows their earnings, pending with them, and links their revenue", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/users?q=performer1%40tipmeter.test");
  await page.getByRole("link", { name: "Luna Vale" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Luna Vale" })).toBeVisible();

  const earnings = page.getByRole("region", { name: "Earnings", exact: true });
  await expect(earnings.getByRole("button", { name: "Adjust Earnings" })).toBeVisible();
  await expect(earnings.getByRole("button", { name: "Adjust Pending" })).toBeVisible();
  await expect(earnings).toContainText("Pending");
  await page.screenshot({ path: test.info().outputPath("admin-user-page-performer.png"), fullPage: true });
  // A phone: the cards stack and the transactions become a list, with nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("list", { name: "Transactions, newest first" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("admin-user-page-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole("main").getByRole("link", { name: "Revenue" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Business revenue: Luna Vale" })).toBeVisible();
});
