import type { Locator, Page } from "@playwright/test";
import { emulatorControl, emulatorStripe, sessionIdOfPayPage } from "./fixtures/stripe";
import { newAccount, signUpThroughPage } from "./fixtures/sign-up";
import { availableAmount } from "./fixtures/wallet";
import { expect, signIn, test } from "./fixtures";

/**
 * A card payment disputed after its credits were spent: a new member buys Starter (100 credits) and tips all of
 * it to Chef Rex; the buyer disputes the card payment at Stripe (the emulator's control), and the part of the
 * tip that was Rex's leaves his pending earnings. His earnings page says why, and every figure on his pages
 * agrees with the books, before and after a reload.
 */

const STARTER_CREDITS = 100n;
/** The seed's tip split: the performer keeps 80%. */
const PERFORMER_SHARE = 80n;

function stat(page: Page, label: string): Locator {
  return page.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]").filter({ visible: true });
}

async function readCredits(locator: Locator): Promise<bigint> {
  await expect(locator).toHaveText(/^-?[\d,]+$/);
  return BigInt((await locator.innerText()).replace(/,/g, ""));
}

const shown = (amount: bigint) => amount.toLocaleString("en");

interface Figures {
  net: bigint;
  pending: bigint;
  available: bigint;
}

async function earningsFigures(page: Page): Promise<Figures> {
  return {
    net: await readCredits(stat(page, "Net earnings")),
    pending: await readCredits(stat(page, "Pending")),
    available: await readCredits(stat(page, "Earnings wallet")),
  };
}

/** The figures on the earnings page, the dashboard and the withdrawals page all say `expected`. */
async function expectFiguresEverywhere(page: Page, expected: Figures): Promise<void> {
  await page.goto("/performer/earnings");
  await expect(stat(page, "Net earnings")).toHaveText(shown(expected.net));
  await expect(stat(page, "Pending")).toHaveText(shown(expected.pending));
  await expect(stat(page, "Earnings wallet")).toHaveText(shown(expected.available));
  await page.goto("/performer");
  await expect(stat(page, "Pending")).toHaveText(shown(expected.pending));
  await expect(stat(page, "Earnings wallet")).toHaveText(shown(expected.available));
  await page.goto("/performer/withdrawals");
  await expect(page.getByRole("region", { name: "Earnings wallet: ready to withdraw" })).toContainText(`${shown(expected.available)}credits`);
}

test("a disputed card payment whose credits were tipped away is taken back from the performer's pending earnings, shown with its reason", async ({ browser }) => {
  const performerPage = await (await browser.newContext()).newPage();
  await signIn(performerPage, "performer2");
  await performerPage.goto("/performer/earnings");
  await expect(performerPage.getByText("Live", { exact: true })).toBeVisible();
  const before = await earningsFigures(performerPage);

  const memberPage = await (await browser.newContext()).newPage();
  const member = await signUpThroughPage(memberPage, newAccount("disputer", "Dora Disputer"));
  // An empty wallet offers it twice: beside the balance and in its empty history.
  await memberPage.getByRole("main").getByRole("link", { name: "Buy credits" }).first().click();
  await memberPage.getByRole("button", { name: "Buy Starter" }).click();
  await expect(memberPage).toHaveURL((url) => url.port === "12112" && url.pathname.startsWith("/pay/"));
  const sessionId = sessionIdOfPayPage(memberPage.url());
  await memberPage.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(memberPage.getByRole("heading", { level: 1, name: "100 credits added" })).toBeVisible();

  await memberPage.goto("/p/rex");
  const panel = memberPage.getByRole("region", { name: "Tip Chef Rex" });
  const message = `All of it ${Date.now().toString(36)}`;
  await panel.getByRole("textbox", { name: "Amount" }).fill(STARTER_CREDITS.toString());
  await panel.getByLabel("Message").fill(message);
  await panel.getByRole("button", { name: "Send tip" }).click();
  await memberPage.getByRole("dialog", { name: "Tip Chef Rex?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText(`You tipped ${STARTER_CREDITS} credits`);

  const recent = performerPage.getByRole("list", { name: "Recent earnings" });
  const tipLine = recent.getByRole("listitem").filter({ hasText: message });
  await expect(tipLine).toContainText(`+${PERFORMER_SHARE}`);
  await expect(stat(performerPage, "Pending")).toHaveText(shown(before.pending + PERFORMER_SHARE));

  const session = await emulatorStripe.checkout.sessions.retrieve(sessionId);
  await emulatorControl("disputes", { payment_intent: String(session.payment_intent), reason: "fraudulent" });

  const takenBack = recent.getByRole("listitem").filter({ hasText: "Taken back: the buyer disputed their card payment" });
  await expect(takenBack).toContainText(member.displayName);
  await expect(takenBack).toContainText(`-${PERFORMER_SHARE}`);
  await expect(stat(performerPage, "Pending")).toHaveText(shown(before.pending));
  await expect(stat(performerPage, "Net earnings")).toHaveText(shown(before.net));
  await expect(stat(performerPage, "Earnings wallet")).toHaveText(shown(before.available));

  await performerPage.reload();
  await expect(recent.getByRole("listitem").filter({ hasText: "Taken back: the buyer disputed their card payment" }).first()).toContainText(`-${PERFORMER_SHARE}`);
  await expect(recent.getByRole("listitem").filter({ hasText: message })).toContainText(`+${PERFORMER_SHARE}`);
  await expectFiguresEverywhere(performerPage, before);

  // The buyer spent everything before disputing, so the performer's share and the platform bore it: nothing left to owe.
  await memberPage.goto("/wallet");
  await expect(availableAmount(memberPage)).toHaveText("0");
});
