import ExcelJS from "exceljs";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { quoteWithdrawal } from "@/server/domain/payouts";
import { demoAccounts, expect, signIn, test } from "./fixtures";

/**
 * A withdrawal from request to payment across two browsers: Luna (performer1, a complete PayPal profile and
 * matured earnings in the seed) requests, the admin approves and marks it paid with a reference, Luna sees it
 * paid and the email reaches the mail sink; the admin's Excel export of paid withdrawals holds it.
 */

/** The seed's terms: 20 credits = $1; PayPal 30¢ + 2%. */
const SEED_RATE = { credits: 20n, amountMinor: 100n };
const SEED_PAYPAL = { fixedMinor: 30n, percentBps: 200, minCredits: 200n, maxCredits: 100_000n };

test("a performer requests a withdrawal, an admin approves and pays it, the performer sees it paid and is emailed", async ({ browser, mail }) => {
  // An amount of its own, so that the rows and emails of this run are told apart from any other.
  const credits = 1_000n + BigInt(Math.floor(Math.random() * 500));
  const quote = quoteWithdrawal(credits, SEED_RATE, SEED_PAYPAL);
  const net = formatMinor(quote.netMinor, "USD");
  const subject = `the withdrawal of ${formatCredits(credits)} credits by Luna Vale`;

  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer1");
  await performerPage.goto("/performer/withdrawals");
  await performerPage.getByLabel("Credits to withdraw").fill(credits.toString());
  const preview = performerPage.getByLabel("Preview");
  await expect(preview).toContainText(formatMinor(quote.grossMinor, "USD"));
  await expect(preview).toContainText(formatMinor(quote.feeMinor, "USD"));
  await expect(preview).toContainText(net);
  await performerPage.getByRole("button", { name: "Request withdrawal" }).click();
  const confirm = performerPage.getByRole("dialog", { name: "Request this withdrawal?" });
  await expect(confirm).toContainText(`You receive ${net}`);
  await confirm.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(performerPage.getByRole("region", { name: "Notifications" })).toContainText(`Withdrawal of ${formatCredits(credits)} credits requested`);
  const history = performerPage.getByRole("region", { name: "History" });
  const row = history.getByRole("row").filter({ hasText: net });
  await expect(row).toContainText("Requested");

  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, "admin");
  await expect(adminPage.getByRole("link", { name: /^Withdrawals \d+ waiting$/ })).toBeVisible();
  await adminPage.getByRole("link", { name: /^Withdrawals/ }).click();
  await expect(adminPage).toHaveURL(/\/admin\/withdrawals$/);
  const queueRow = adminPage.getByRole("row").filter({ hasText: formatCredits(credits) }).filter({ hasText: "Luna Vale" });
  await expect(queueRow).toContainText("l••••@example.com");
  await adminPage.getByRole("button", { name: `Approve ${subject}` }).click();
  const approve = adminPage.getByRole("dialog", { name: `Approve ${subject}?` });
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(adminPage.getByRole("region", { name: "Notifications" })).toContainText("Withdrawal approved");

  await adminPage.getByRole("button", { name: `Mark ${subject} paid` }).click();
  const pay = adminPage.getByRole("dialog", { name: `Mark ${subject} paid?` });
  const reference = `PAYPAL-${Date.now().toString(36).toUpperCase()}`;
  await pay.getByLabel("Payment reference").fill(reference);
  await pay.getByRole("button", { name: "Mark paid" }).click();
  await expect(adminPage.getByRole("region", { name: "Notifications" })).toContainText("Marked paid");

  await performerPage.reload();
  const paidRow = performerPage.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: net });
  await expect(paidRow).toContainText("Paid");
  await expect(paidRow).toContainText(`Reference: ${reference}`);

  const email = await mail.waitFor(demoAccounts.performer1.email, (message) => message.subject === `Withdrawal paid: ${net}`);
  expect(email.text).toContain(`Reference: ${reference}`);

  await adminPage.getByLabel("Status").selectOption("PAID");
  await adminPage.getByRole("button", { name: "Apply" }).click();
  await expect(adminPage).toHaveURL(/status=PAID/);
  const download = adminPage.waitForEvent("download");
  await adminPage.getByRole("link", { name: "Export Excel" }).click();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await (await download).path());
  const exported = workbook.getWorksheet("Withdrawals")?.getRows(2, 100)?.find((line) => line.getCell(16).value === reference);
  expect(exported?.getCell(8).value).toBe("Paid");
  expect([exported?.getCell(9).value, exported?.getCell(10).value]).toEqual(["Earnings", "CRD"]);
  expect(exported?.getCell(11).value).toBe(Number(credits));
  expect(exported?.getCell(15).value).toBe(Number(quote.netMinor) / 100);
});

test("a request below the method's minimum is refused in the form, before anything is held", async ({ page }) => {
  await signIn(page, "performer1");
  await page.goto("/performer/withdrawals");
  await page.getByLabel("Credits to withdraw").fill("150");
  await expect(page.getByLabel("Preview")).toContainText("The minimum withdrawal for PayPal is 200 credits.");
  await page.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(page.getByLabel("Credits to withdraw")).toHaveAccessibleDescription("The minimum withdrawal for PayPal is 200 credits.");
  await expect(page.getByRole("dialog")).toBeHidden();
});
