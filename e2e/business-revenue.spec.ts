import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

/**
 * Business revenue: Luna has her page open when a member tips her; the sale and the totals update live, and the
 * CSV has the sale with its gross, platform fee and net. An admin opens the same report for Luna from the users
 * table.
 */

function stat(page: Page, label: string) {
  return page
    .getByRole("region", { name: /^Totals for/ })
    .locator("div")
    .filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) })
    .locator("dd")
    .first();
}

async function numberIn(page: Page, label: string): Promise<number> {
  const text = (await stat(page, label).textContent()) ?? "";
  return Number(text.replace(/,/g, ""));
}

test("Luna sees a member's tip land on her business revenue page, downloads the CSV, and an admin sees the same", async ({ browser }) => {
  const lunaPage = await (await browser.newContext()).newPage();
  await signIn(lunaPage, "performer1");
  await lunaPage.getByRole("link", { name: "Revenue", exact: true }).click();
  await expect(lunaPage).toHaveURL(/\/performer\/revenue$/);
  await expect(lunaPage.getByRole("heading", { name: "Business revenue" })).toBeVisible();
  await expect(lunaPage.getByText("Live", { exact: true })).toBeVisible();
  await expect(stat(lunaPage, "Sales")).toHaveText(/^\d[\d,]*$/);
  const salesBefore = await numberIn(lunaPage, "Sales");
  const grossBefore = await numberIn(lunaPage, "Gross");

  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, "member1");
  await memberPage.goto("/p/luna");
  const panel = memberPage.getByRole("region", { name: "Tip Luna Vale" });
  await panel.getByRole("textbox", { name: "Amount" }).fill("35");
  await panel.getByRole("button", { name: "Send tip" }).click();
  await memberPage.getByRole("dialog", { name: "Tip Luna Vale?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("You tipped 35 credits");

  // Live: no reload on Luna's side.
  await expect(stat(lunaPage, "Sales")).toHaveText((salesBefore + 1).toLocaleString("en"));
  await expect(stat(lunaPage, "Gross")).toHaveText((grossBefore + 35).toLocaleString("en"));
  const newest = lunaPage.getByRole("table", { name: "Sales" }).getByRole("row").nth(1);
  await expect(newest).toContainText("Tip to Luna Vale");
  await expect(newest).toContainText("Mia Member");
  await expect(newest.getByRole("cell").nth(3)).toHaveText("35");
  await expect(newest.getByRole("cell").nth(4)).toHaveText("7");
  await expect(newest.getByRole("cell").nth(5)).toHaveText("28");
  await expect(lunaPage.getByText("Tipmeter pays them out of its platform fee")).toBeVisible();
  const today = lunaPage.getByRole("table", { name: "Totals by day" }).getByRole("row").nth(1);
  await expect(today).toContainText(new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date()));
  await lunaPage.screenshot({ path: "test-results/business-revenue-performer.png", fullPage: true });

  const [download] = await Promise.all([lunaPage.waitForEvent("download"), lunaPage.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^revenue-30d-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toContain("Date (UTC),Sale,Kind,Buyer,Charges,Gross (credits),Platform fee (credits),Net (credits)");
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z,Tip to Luna Vale,Tips,Mia Member,1,35,7,28,0,28,,,,$/);
  expect(lines.filter((line) => line !== "")).toHaveLength(salesBefore + 2);

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, "admin");
  await adminPage.goto("/admin/users?q=performer1%40tipmeter.test");
  const lunaRow = adminPage.getByRole("row").filter({ hasText: "performer1@tipmeter.test" });
  await expect(lunaRow.getByRole("link", { name: "Revenue" })).toBeVisible();
  await adminPage.screenshot({ path: "test-results/business-revenue-admin-users.png", fullPage: true });
  await lunaRow.getByRole("link", { name: "Revenue" }).click();
  await expect(adminPage.getByRole("heading", { name: "Business revenue: Luna Vale" })).toBeVisible();
  await expect(stat(adminPage, "Sales")).toHaveText((salesBefore + 1).toLocaleString("en"));
  const adminNewest = adminPage.getByRole("table", { name: "Sales" }).getByRole("row").nth(1);
  await expect(adminNewest).toContainText("Mia Member");
  await expect(adminNewest.getByRole("cell").nth(5)).toHaveText("28");
  await adminPage.getByLabel("Kind of sale").selectOption("STORE");
  await expect(adminPage.getByRole("table", { name: "Sales" }).getByText("Tip to Luna Vale")).toHaveCount(0);
  await adminPage.getByLabel("Kind of sale").selectOption("");
  await expect(adminNewest).toContainText("Mia Member");
  await adminPage.screenshot({ path: "test-results/business-revenue-admin.png", fullPage: true });
});
