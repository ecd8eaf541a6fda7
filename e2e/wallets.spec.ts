import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { ensureAvailableCredits } from "./fixtures/credits";
import { readAvailableCredits } from "./fixtures/wallet";

/**
 * The wallet page's switcher: every wallet with its balance in its own currency, the chosen one's uses in plain
 * words and its own history, the choice kept in the URL across a reload; a transfer sent from the chosen wallet.
 */

function switcher(page: Page) {
  return page.getByRole("navigation", { name: "Your wallets" });
}

function walletPanel(page: Page, name: string) {
  return page.getByRole("region", { name: `${name} wallet`, exact: true });
}

test("a member switches wallets, sees each one's balance and uses, keeps the choice on reload, and sends from Credits", async ({ page, baseURL }) => {
  await ensureAvailableCredits(baseURL!, "member1", 20n);
  await signIn(page, "member1");
  await page.goto("/wallet");
  const credits = await readAvailableCredits(page);

  const wallets = switcher(page).getByRole("link");
  // Other specs may add wallet types; the seeded three come first, in their order.
  await expect(wallets.nth(0)).toHaveText(/^Credits.*[\d,]+ credits$/);
  await expect(wallets.nth(1)).toHaveText(/^Bonus.*[\d,]+ credits?$/);
  await expect(wallets.nth(2)).toHaveText(/^Dollars.*\$[\d,]+\.\d{2}$/);
  await expect(switcher(page).getByRole("link", { name: /^Credits/ })).toHaveAttribute("aria-current", "page");
  await expect(walletPanel(page, "Credits")).toContainText(`${credits.toLocaleString("en")} credits`);
  await expect(walletPanel(page, "Credits").getByRole("list", { name: "Uses of the Credits wallet" })).toContainText("Can be sent to other members.");
  await expect(walletPanel(page, "Credits").getByRole("link", { name: "Exchange" })).toHaveAttribute("href", "/wallet/exchange");
  await expect(walletPanel(page, "Credits").getByRole("link", { name: "Live rooms wallet" })).toHaveAttribute("href", "/wallet/live");

  await switcher(page).getByRole("link", { name: /^Dollars/ }).click();
  await expect(page).toHaveURL(/\/wallet\?wallet=usd$/);
  const dollars = walletPanel(page, "Dollars");
  await expect(dollars).toContainText(/\$[\d,]+\.\d{2}/);
  const dollarUses = dollars.getByRole("list", { name: "Uses of the Dollars wallet" });
  await expect(dollarUses).toContainText("Holds USD; exchange it into credits to spend it.");
  await expect(dollarUses).toContainText("Cannot be sent to other members.");
  await expect(dollars.getByRole("link", { name: "Send from this wallet" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "History" })).toContainText("Your Dollars wallet");

  await page.reload();
  await expect(walletPanel(page, "Dollars")).toBeVisible();
  await expect(switcher(page).getByRole("link", { name: /^Dollars/ })).toHaveAttribute("aria-current", "page");

  await switcher(page).getByRole("link", { name: /^Bonus/ }).click();
  await expect(page).toHaveURL(/\/wallet\?wallet=bonus$/);
  await expect(walletPanel(page, "Bonus").getByRole("list", { name: "Uses of the Bonus wallet" })).toContainText("Pays for tips, private and group shows and store orders.");
  await expect(walletPanel(page, "Bonus").getByRole("list", { name: "Uses of the Bonus wallet" })).toContainText("Covers at most 50% of a store order.");

  await switcher(page).getByRole("link", { name: /^Credits/ }).click();
  await walletPanel(page, "Credits").getByRole("link", { name: "Send from this wallet" }).click();
  await expect(page).toHaveURL(/\/wallet\/transfer\?from=credits$/);
  const form = page.getByRole("region", { name: "Send credits" });
  const from = form.getByLabel("From wallet");
  await expect(from).toHaveValue("credits");
  // Only wallets whose rules let credits be sent to others are offered: not Bonus, Dollars or Earnings.
  await expect(from.getByRole("option")).toHaveText([/^Credits · [\d,]+ credits$/]);
  const note = `From Credits ${Date.now().toString(36)}`;
  await form.getByLabel("Recipient").fill("member2");
  await form.getByLabel("Amount").fill("3");
  await form.getByLabel("Note").fill(note);
  await form.getByRole("button", { name: "Review transfer" }).click();
  const dialog = page.getByRole("dialog", { name: "Send 3 credits to Max Member?" });
  await expect(dialog.getByRole("definition").nth(1)).toHaveText("Your Credits wallet");
  await dialog.getByRole("button", { name: "Send credits" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Sent 3 credits");

  await page.goto("/wallet?wallet=credits");
  await expect(page.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: note })).toContainText("-3");
  await expect(walletPanel(page, "Credits")).toContainText(`${(credits - 3n).toLocaleString("en")} credits`);
  await page.goto("/wallet?wallet=usd");
  await expect(page.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: note })).toHaveCount(0);
});

test("a performer's wallet page has the Earnings wallet, withdrawable, beside Credits", async ({ page }) => {
  await signIn(page, "performer1");
  await page.goto("/wallet?wallet=earnings");
  await expect(page.getByRole("region", { name: "Earnings", exact: true })).toContainText("ready to withdraw");
  const earnings = walletPanel(page, "Earnings");
  const uses = earnings.getByRole("list", { name: "Uses of the Earnings wallet" });
  await expect(uses).toContainText("Can be withdrawn to your bank.");
  await expect(uses).toContainText("Cannot be sent to other members.");
  await expect(earnings.getByRole("link", { name: "Withdraw" })).toHaveAttribute("href", "/performer/withdrawals");
  await page.goto("/wallet/transfer");
  await expect(page.getByRole("region", { name: "Send credits" }).getByLabel("From wallet").getByRole("option")).toHaveText([/^Credits · /]);
});
