import { type Locator, type Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { expectSameDocument, markDocument } from "./fixtures/wallet";

/** The performer's earnings dashboard follows a tip live; the admin settings page saves and refuses values. */

function stat(page: Page, label: string): Locator {
  return page.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]").filter({ visible: true });
}

async function readCredits(locator: Locator): Promise<bigint> {
  await expect(locator).toHaveText(/^-?[\d,]+$/);
  return BigInt((await locator.innerText()).replace(/,/g, ""));
}

test("a tip shows up on the performer's open earnings dashboard without a reload, and the totals move", async ({ browser }) => {
  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await performerPage.goto("/performer/earnings");
  await expect(performerPage.getByRole("heading", { level: 1, name: "Earnings" })).toBeVisible();
  await expect(performerPage.getByText("Live", { exact: true })).toBeVisible();
  // The seeded tips are there on a fresh start.
  const recent = performerPage.getByRole("list", { name: "Recent earnings" });
  await expect(recent.getByRole("listitem").filter({ hasText: "That loop-pedal cover was unreal" })).toContainText("Available since");
  await expect(performerPage.getByRole("list", { name: "Top supporters" })).toContainText("Mia Member");
  await expect(performerPage.getByRole("img", { name: /Net earnings by day/ })).toBeVisible();
  const netBefore = await readCredits(stat(performerPage, "Net earnings"));
  const pendingBefore = await readCredits(stat(performerPage, "Pending"));
  await markDocument(performerPage);

  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, "member1");
  await memberPage.goto("/p/luna");
  const panel = memberPage.getByRole("region", { name: "Tip Luna Vale" });
  const message = `Bravo ${Date.now().toString(36)}`;
  await panel.getByRole("button", { name: "25", exact: true }).click();
  await panel.getByLabel("Message").fill(message);
  await panel.getByRole("button", { name: "Send tip" }).click();
  await memberPage.getByRole("dialog", { name: "Tip Luna Vale?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("You tipped 25 credits");

  const line = recent.getByRole("listitem").filter({ hasText: message });
  await expect(line).toContainText("Mia Member");
  await expect(line).toContainText("+20");
  await expect(line).toContainText("of 25");
  await expect(line).toContainText("Pending until");
  await expect(stat(performerPage, "Net earnings")).toHaveText((netBefore + 20n).toLocaleString("en"));
  await expect(stat(performerPage, "Pending")).toHaveText((pendingBefore + 20n).toLocaleString("en"));
  await expectSameDocument(performerPage);

  await performerPage.getByRole("group", { name: "Group earnings by" }).getByRole("button", { name: "Month" }).click();
  await expect(performerPage.getByRole("heading", { name: "Earnings by month" })).toBeVisible();
  await expect(stat(performerPage, "Net earnings")).toHaveText((netBefore + 20n).toLocaleString("en"));

  await performerPage.goto("/performer");
  const maturing = performerPage.getByRole("region", { name: "Maturing earnings" });
  await expect(maturing.getByRole("table")).toContainText("UTC");
  await expect(stat(performerPage, "Pending")).toHaveText((pendingBefore + 20n).toLocaleString("en"));
});

test("an admin changes a setting, sees it saved, and gets a clear message for a bad value", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  const memberships = page.getByRole("region", { name: "Memberships" });
  const grace = memberships.getByLabel("Grace period (days)");
  await expect(grace).toHaveValue("3");

  await grace.fill("-1");
  await memberships.getByRole("button", { name: "Save memberships" }).click();
  await expect(memberships).toContainText("Enter a whole number of days.");

  await grace.fill("5");
  await memberships.getByRole("button", { name: "Save memberships" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Memberships saved");
  await page.reload();
  await expect(page.getByRole("region", { name: "Memberships" }).getByLabel("Grace period (days)")).toHaveValue("5");

  const payouts = page.getByRole("region", { name: "Payouts" });
  await payouts.getByLabel("Approve small withdrawals automatically").check();
  await expect(payouts.getByRole("alert")).toContainText("Withdrawals will skip review");
  await payouts.getByLabel("Approve small withdrawals automatically").uncheck();
  await expect(payouts.getByRole("alert")).toHaveCount(0);

  // Other specs run against the same demo data: put the grace period back.
  const restored = page.getByRole("region", { name: "Memberships" });
  await restored.getByLabel("Grace period (days)").fill("3");
  await restored.getByRole("button", { name: "Save memberships" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Memberships saved");
});
