import type { Locator, Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { ensureAvailableCredits, SHOW_CREDITS } from "./fixtures/credits";
import { credits, openAs, stat } from "./fixtures/shows";
import { fillAddress, openItem } from "./fixtures/store";

/**
 * The wallet history shows one line per thing the member did, whatever the ledger posted for it: a store order
 * paid from the wallet and by card (a hold, then a sale from held) and a private show (a hold and several partial
 * charges) are one line each, with their postings one click away; the performer's sales count counts the show once.
 * Lines are counted under a kind filter, so the member's other history (and other specs' orders) cannot crowd them
 * off the first page.
 */

function historyOf(page: Page): Locator {
  return page.getByRole("region", { name: "History" });
}

/** Shows the lines with a posting of `kind` (by its label) and returns how many mention `text`, once loaded. */
async function countLines(page: Page, kind: string, text: string): Promise<number> {
  const history = historyOf(page);
  await history.getByLabel("Kind").selectOption({ label: kind });
  await expect(history.getByText("Loading history…")).toHaveCount(0);
  await expect(history.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(history.getByRole("row").first().or(history.getByText("Nothing matches these filters"))).toBeVisible();
  return history.getByRole("row").filter({ hasText: text }).count();
}

/** The newest line's row in the history table (the first row is the header). */
function newestLine(page: Page): Locator {
  return historyOf(page).getByRole("row").nth(1);
}

test("a wallet-and-card store order is one line in the wallet history, with its parts one click away", async ({ page }) => {
  await signIn(page, "member1");
  await page.goto("/wallet");
  const before = await countLines(page, "Store hold", "Signed photo");

  const panel = await openItem(page, "Signed photo");
  await panel.getByRole("textbox", { name: "From your wallet" }).fill("20");
  await fillAddress(page);
  await panel.getByRole("button", { name: "Review order" }).click();
  await page.getByRole("dialog", { name: "Buy Signed photo?" }).getByRole("button", { name: "Continue to card payment" }).click();
  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Order paid." })).toBeVisible();

  await page.goto("/wallet");
  expect(await countLines(page, "Store hold", "Signed photo")).toBe(before + 1);
  const line = newestLine(page);
  await expect(line).toContainText("Store: Signed photo");
  await expect(line).toContainText("-20");
  await line.getByRole("button", { name: "Show 3 parts" }).click();
  const parts = historyOf(page).getByRole("list", { name: "Parts of Store: Signed photo" }).getByRole("listitem");
  await expect(parts).toHaveCount(3);
  await expect(parts.nth(0)).toContainText("Held for card checkout: Signed photo");
  await expect(parts.nth(0)).toContainText("Credits wallet");
  await expect(parts.nth(0)).toContainText("-20");
  await expect(parts.nth(1)).toContainText("Held credits");
  await expect(parts.nth(1)).toContainText("+20");
  await expect(parts.nth(2)).toContainText("Store: Signed photo");
  await expect(parts.nth(2)).toContainText("Held credits");
  await expect(parts.nth(2)).toContainText("-20");

  await page.reload();
  expect(await countLines(page, "Store hold", "Signed photo")).toBe(before + 1);
  await expect(newestLine(page)).toContainText("Store: Signed photo");
});

test("a private show is one line in the member's history, and one more sale for the performer", async ({ browser, baseURL }) => {
  // A show posts its second charge only once the meter passes its first minute.
  test.setTimeout(180_000);
  await ensureAvailableCredits(baseURL!, "member1", SHOW_CREDITS);
  const performerPage = await openAs(browser, "performer1");
  await performerPage.goto("/performer/earnings");
  const sales = stat(performerPage.locator("main"), "Sales").filter({ visible: true });
  await expect(sales).toHaveText(/^\d+$/);
  const salesBefore = Number(await sales.innerText());
  await performerPage.goto("/room/luna");
  await performerPage.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(performerPage.getByRole("button", { name: "Go offline" })).toBeVisible();
  const performerPanel = performerPage.getByRole("region", { name: "Your shows", exact: true });
  await expect(performerPanel.getByRole("button", { name: "Start a group show" })).toBeVisible();

  const memberPage = await openAs(browser, "member1");
  await memberPage.goto("/wallet");
  const before = await countLines(memberPage, "Show", "Luna Vale");
  await memberPage.goto("/room/luna");
  const memberPanel = memberPage.getByRole("region", { name: "Shows", exact: true });
  await memberPanel.getByRole("button", { name: "Request a private show" }).click();
  await memberPage.getByRole("dialog", { name: "Request a private show?" }).getByRole("button", { name: "Send request" }).click();
  await expect(performerPanel.getByText("Mia Member")).toBeVisible({ timeout: 15_000 });
  await performerPanel.getByRole("button", { name: "Accept" }).click();
  await expect(memberPanel.getByText("Meter running")).toBeVisible({ timeout: 15_000 });

  // The first charge is the one-minute minimum; more than that means a second, partial charge was posted.
  const charges = stat(memberPanel, "Charges so far");
  await expect(charges).toHaveText(/^[\d,]+ cr$/);
  const chargedSoFar = async () => credits(await charges.innerText());
  await expect.poll(chargedSoFar, { timeout: 15_000 }).toBeGreaterThan(0n);
  const minimum = await chargedSoFar();
  await expect.poll(chargedSoFar, { timeout: 100_000 }).toBeGreaterThan(minimum);

  await memberPanel.getByRole("button", { name: "End show" }).click();
  await memberPage.getByRole("dialog", { name: "End the show?" }).getByRole("button", { name: "End show" }).click();
  await expect(memberPanel.getByText("The show ended: you ended it.")).toBeVisible();
  const charged = credits(await charges.innerText());

  await memberPage.goto("/wallet");
  expect(await countLines(memberPage, "Show", "Luna Vale")).toBe(before + 1);
  const line = newestLine(memberPage);
  await expect(line).toContainText("Private show with Luna Vale");
  await expect(line).toContainText(`-${charged.toLocaleString("en")}`);
  await line.getByRole("button", { name: /^Show \d+ parts$/ }).click();
  const parts = historyOf(memberPage).getByRole("list", { name: "Parts of Private show with Luna Vale" }).getByRole("listitem");
  await expect(parts.first()).toContainText("Held for a show with Luna Vale");
  await expect(parts.filter({ hasText: "Private show with Luna Vale" })).not.toHaveCount(0);
  await memberPage.reload();
  expect(await countLines(memberPage, "Show", "Luna Vale")).toBe(before + 1);

  await performerPage.getByRole("button", { name: "Go offline" }).click();
  await performerPage.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(performerPage.getByRole("button", { name: "Go live" })).toBeVisible();
  await performerPage.goto("/performer/earnings");
  await expect(sales).toHaveText(String(salesBefore + 1));
});
