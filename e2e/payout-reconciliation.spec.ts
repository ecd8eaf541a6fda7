import type { Browser, Page } from "@playwright/test";
import { formatCredits } from "@/server/domain/money";
import { ensureEarningsOf, withoutPayoutLock } from "./fixtures/credits";
import { approveApplication, newAccount, signUpThroughPage } from "./fixtures/sign-up";
import { emulatorControl, emulatorStripe } from "./fixtures/stripe";
import { expect, signIn, test } from "./fixtures";

/**
 * A Stripe payout that the bank returns after the money has already left the performer's Stripe account again:
 * the transfer can't be reversed, so the withdrawal waits for an admin as "Needs reconciliation" with its credits
 * held. The admin finds it on the withdrawals page, rejects it (the money was recovered another way), and after a
 * reload the stored status and the performer's balance agree: the credits are back.
 */

const EARNINGS = 3_000n;
const WITHDRAWN = 1_000n;

async function onboardStripePerformer(browser: Browser, page: Page): Promise<{ email: string; stageName: string }> {
  const account = newAccount("stripee", "Stripe Sam", "Sam");
  await signUpThroughPage(page, account);
  const form = page.getByRole("form", { name: "Payout details" });
  await form.getByLabel("Payout method").selectOption("STRIPE_CONNECT");
  await form.getByLabel("Legal name").fill("Sam Stripee");
  await form.getByLabel("Country").fill("US");
  await form.getByLabel("Tax ID").fill("98-7654321");
  await form.getByRole("button", { name: "Save payout details" }).click();
  await page.getByRole("dialog", { name: "Change your payout details?" }).getByRole("button", { name: "Save and pause withdrawals" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Payout details saved");

  await approveApplication(browser, account.stageName ?? "");

  await page.goto("/performer/payout-profile");
  await page.getByRole("button", { name: "Connect with Stripe" }).click();
  await expect(page).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/connect/onboarding/"));
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await expect(page).toHaveURL(/\/performer\/payout-profile/);
  await expect(page.getByText("Ready for payouts")).toBeVisible();
  return { email: account.email, stageName: account.stageName ?? "" };
}

test("a returned Stripe payout that can't be reversed waits for an admin, who resolves it on the withdrawals page", async ({ browser, page, baseURL }) => {
  const performer = await onboardStripePerformer(browser, page);
  await ensureEarningsOf(String(baseURL), performer.email, EARNINGS, "End-to-end setup: matured earnings to withdraw");

  await withoutPayoutLock(String(baseURL), async () => {
    await page.goto("/performer/withdrawals");
    await page.getByLabel("Credits to withdraw").fill(WITHDRAWN.toString());
    await page.getByRole("button", { name: "Request withdrawal" }).click();
    await page.getByRole("dialog", { name: "Request this withdrawal?" }).getByRole("button", { name: "Request withdrawal" }).click();
    await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`Withdrawal of ${formatCredits(WITHDRAWN)} credits requested`);
  });
  const subject = `the withdrawal of ${formatCredits(WITHDRAWN)} credits by ${performer.stageName}`;

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto(`/admin/withdrawals?performer=${encodeURIComponent(performer.email)}`);
  await admin.getByRole("button", { name: `Approve ${subject}` }).click();
  await admin.getByRole("dialog", { name: `Approve ${subject}?` }).getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByRole("region", { name: "Notifications" })).toContainText("Withdrawal approved");
  // Sent to Stripe at once: it leaves the view of what waits for an admin.
  await expect(admin.getByRole("row").filter({ hasText: performer.stageName })).toHaveCount(0);
  await admin.goto(`/admin/withdrawals?status=ALL&performer=${encodeURIComponent(performer.email)}`);
  await expect(admin.getByRole("row").filter({ hasText: performer.stageName })).toContainText("Processing");

  // The bank returns the payout, and the returned money leaves the Stripe account again before Tipmeter can reverse the transfer.
  const connected = (await emulatorStripe.accounts.list({ limit: 100 })).data.find((candidate) => candidate.email === performer.email);
  const payouts = await emulatorStripe.payouts.list({}, { stripeAccount: connected?.id ?? "" });
  expect(payouts.data).toHaveLength(1);
  await emulatorControl(`payouts/${payouts.data[0]?.id ?? ""}/fail`, { failure_code: "could_not_process", paid_out_again: true });

  await expect(page.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: "Needs reconciliation" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Earnings wallet: ready to withdraw" })).toContainText(`${formatCredits(EARNINGS - WITHDRAWN)}credits`);
  await expect(page.getByRole("region", { name: "Earnings wallet: ready to withdraw" })).toContainText(`${formatCredits(WITHDRAWN)} credits are held`);

  await admin.goto("/admin/withdrawals");
  await expect(admin.getByRole("link", { name: /^Withdrawals \d+ waiting$/ })).toBeVisible();
  await admin.getByLabel("Status").selectOption({ label: "Needs reconciliation" });
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(admin).toHaveURL(/status=NEEDS_RECONCILIATION/);
  const waiting = admin.getByRole("row").filter({ hasText: performer.stageName });
  await expect(waiting).toContainText("Needs reconciliation");
  await waiting.getByText("history").click();
  await expect(waiting).toContainText("The transfer could not be reversed");

  await admin.getByRole("button", { name: `Reject ${subject}` }).click();
  const reject = admin.getByRole("dialog", { name: `Reject ${subject}?` });
  await reject.getByLabel("Reason for the performer").fill("Stripe returned the payout; we recovered it and your credits are back.");
  await reject.getByRole("button", { name: "Reject" }).click();
  await expect(admin.getByRole("region", { name: "Notifications" })).toContainText("Withdrawal rejected");

  await admin.reload();
  await expect(admin.getByRole("row").filter({ hasText: performer.stageName })).toHaveCount(0);
  await admin.getByLabel("Status").selectOption({ label: "Rejected" });
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(admin.getByRole("row").filter({ hasText: performer.stageName })).toContainText("Rejected");

  await page.reload();
  await expect(page.getByRole("region", { name: "History" }).getByRole("row").filter({ hasText: formatCredits(WITHDRAWN) })).toContainText("Rejected");
  const card = page.getByRole("region", { name: "Earnings wallet: ready to withdraw" });
  await expect(card).toContainText(`${formatCredits(EARNINGS)}credits`);
  await expect(card).not.toContainText("are held");
});
