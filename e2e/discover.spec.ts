import { expect, signIn, test } from "./fixtures";

/** The member's Discover page: who is live now, with a way into each room, and every performer's page. */

test("a member finds a live room and the performers through Discover", async ({ browser }) => {
  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await performerPage.goto("/room/luna");
  await performerPage.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(performerPage.getByRole("button", { name: "Go offline" })).toBeVisible();
  await expect(performerPage.getByRole("region", { name: "Luna Vale" }).getByText("Live", { exact: true })).toBeVisible();

  const page = await (await browser.newContext()).newPage();
  await signIn(page, "member1");
  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Discover" }).click();
  await expect(page).toHaveURL(/\/discover$/);
  await expect(page.getByRole("heading", { level: 1, name: "Discover" })).toBeVisible();

  const live = page.getByRole("region", { name: "Live now" });
  await expect(live.getByRole("listitem").filter({ hasText: "Luna Vale" })).toContainText("Live");
  await expect(live.getByRole("listitem").filter({ hasText: "Chef Rex" })).toHaveCount(0);
  const performers = page.getByRole("region", { name: "Performers" });
  await expect(performers.getByRole("link", { name: "Chef Rex" })).toHaveAttribute("href", "/p/rex");

  await live.getByRole("link", { name: "Enter Luna Vale's room" }).click();
  await expect(page).toHaveURL(/\/room\/luna$/);
  await page.goBack();
  await page.getByRole("region", { name: "Performers" }).getByRole("link", { name: "Chef Rex" }).click();
  await expect(page).toHaveURL(/\/p\/rex$/);
  await expect(page.getByRole("heading", { level: 1, name: "Chef Rex" })).toBeVisible();

  await performerPage.getByRole("button", { name: "Go offline" }).click();
  await performerPage.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(performerPage.getByRole("region", { name: "Luna Vale" }).getByText("Offline", { exact: true })).toBeVisible();
  await page.goto("/discover");
  await expect(page.getByRole("region", { name: "Live now" })).toContainText("Nobody is live right now");
  await expect(page.getByRole("region", { name: "Performers" }).getByRole("link", { name: "Luna Vale" })).toHaveAttribute("href", "/p/luna");
});
