import { expect, signIn, test } from "./fixtures";
import { availableAmount, expectSameDocument, markDocument, readAvailableCredits } from "./fixtures/wallet";

/** A member tips a performer from the public page; the performer's open dashboard shows it live. */

test("a member tips a performer, whose open dashboard shows the tip as it arrives", async ({ browser }) => {
  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await performerPage.goto("/performer");
  const feed = performerPage.getByRole("region", { name: "Tips" });
  await expect(feed.getByText("Live", { exact: true })).toBeVisible();

  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, "member1");
  await memberPage.goto("/p/luna");
  const panel = memberPage.getByRole("region", { name: "Tip Luna Vale" });
  const message = `Encore ${Date.now().toString(36)}`;
  await panel.getByRole("button", { name: "25", exact: true }).click();
  await panel.getByLabel("Message").fill(message);
  await panel.getByRole("button", { name: "Send tip" }).click();
  const dialog = memberPage.getByRole("dialog", { name: "Tip Luna Vale?" });
  await expect(dialog).toContainText("25 credits leave your wallet now");
  await dialog.getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("You tipped 25 credits");

  await expect(performerPage.getByRole("region", { name: "Notifications" })).toContainText("Mia Member tipped 25 credits");
  const line = feed.getByRole("listitem").filter({ hasText: message });
  await expect(line).toContainText("+20");
  await expect(line).toContainText("of 25");
});

test("the tip box shows the member's balance, live, and it agrees with the wallet", async ({ browser }) => {
  const context = await browser.newContext();
  const otherTab = await context.newPage();
  await signIn(otherTab, "member1");
  const before = await readAvailableCredits(otherTab);

  const page = await context.newPage();
  await page.goto("/p/luna");
  const balance = page.getByRole("region", { name: "Tip Luna Vale" }).getByRole("status", { name: "Your balance" });
  await expect(balance).toHaveText(`${before.toLocaleString("en")} credits`);
  await markDocument(page);

  // A tip sent from another tab: this page learns of it through the wallet's live updates, not a reload.
  await otherTab.goto("/p/rex");
  const rexPanel = otherTab.getByRole("region", { name: "Tip Chef Rex" });
  await rexPanel.getByRole("textbox", { name: "Amount" }).fill("10");
  await rexPanel.getByRole("button", { name: "Send tip" }).click();
  await otherTab.getByRole("dialog", { name: "Tip Chef Rex?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(otherTab.getByRole("region", { name: "Notifications" })).toContainText("You tipped 10 credits");
  await expect(rexPanel.getByRole("status", { name: "Your balance" })).toHaveText(`${(before - 10n).toLocaleString("en")} credits`);

  await expect(balance).toHaveText(`${(before - 10n).toLocaleString("en")} credits`);
  await expectSameDocument(page);
  await otherTab.goto("/wallet");
  await expect(availableAmount(otherTab)).toHaveText((before - 10n).toLocaleString("en"));
});

test("a tip larger than the wallet is refused with a clear message", async ({ page }) => {
  await signIn(page, "member2");
  await page.goto("/p/rex");
  const panel = page.getByRole("region", { name: "Tip Chef Rex" });
  await panel.getByRole("textbox", { name: "Amount" }).fill("100000");
  await panel.getByRole("button", { name: "Send tip" }).click();
  await page.getByRole("dialog", { name: "Tip Chef Rex?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(panel).toContainText("You don't have enough credits for this tip.");
  await expect(panel.getByRole("link", { name: "Buy credits" })).toHaveAttribute("href", "/wallet/buy");
});

test("a signed-out visitor is offered sign-in instead of the tip form", async ({ page }) => {
  await page.goto("/p/luna");
  await page.getByRole("link", { name: "Sign in to tip" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fp%2Fluna$/);
});

test("an admin sees the seeded commission schedule and adds a performer's rate", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/commissions");
  const schedule = page.getByRole("region", { name: "Schedule" });
  await expect(schedule.getByRole("row").filter({ hasText: "Tips" }).filter({ hasText: "Site default" })).toContainText("80%");

  const newRate = page.getByRole("region", { name: "Add a rate" });
  await newRate.getByLabel("Kind of sale").selectOption("STORE");
  await newRate.getByLabel("Performer username").fill("rex");
  await newRate.getByLabel("Performer's share (%)").fill("85.5");
  await newRate.getByRole("button", { name: "Add rate" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Rate saved");
  await expect(schedule.getByRole("row").filter({ hasText: "Chef Rex (@rex)" }).filter({ hasText: "Store" })).toContainText("85.5%");
});
