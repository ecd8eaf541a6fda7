import type { Browser, Locator, Page } from "@playwright/test";
import { type DemoAccountName, expect, signIn, test } from "./fixtures";
import { ensureAvailableCredits, SHOW_CREDITS } from "./fixtures/credits";
import { readAvailableCredits } from "./fixtures/wallet";

/**
 * Luna's live room with two and three browser contexts: presence, chat both ways, tips in the room feed, removal,
 * and a private show in the room that ends when Luna goes offline. (e2e/shows.spec.ts runs the show flow
 * where the member ends the show.)
 */

async function openAs(browser: Browser, account: DemoAccountName): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, account);
  return page;
}

/** Waits until the page's room channel is subscribed, so live events reach it. */
async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByRole("region", { name: "Chat" }).getByText("Connected", { exact: true })).toBeVisible();
}

async function goLive(performerPage: Page): Promise<void> {
  await performerPage.goto("/performer");
  await performerPage.getByRole("link", { name: "Go to my room" }).click();
  await expect(performerPage).toHaveURL(/\/room\/luna$/);
  await performerPage.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(performerPage.getByRole("button", { name: "Go offline" })).toBeVisible();
  await expect(performerPage.getByRole("region", { name: "Luna Vale" }).getByText("Live", { exact: true })).toBeVisible();
  await expectConnected(performerPage);
}

async function goOffline(performerPage: Page): Promise<void> {
  await performerPage.getByRole("button", { name: "Go offline" }).click();
  await performerPage.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(performerPage.getByRole("region", { name: "Luna Vale" }).getByText("Offline", { exact: true })).toBeVisible();
}

async function sendChat(page: Page, body: string): Promise<void> {
  const chat = page.getByRole("region", { name: "Chat" });
  await chat.getByRole("textbox", { name: "Chat message" }).fill(body);
  await chat.getByRole("button", { name: "Send" }).click();
}

function chatLine(page: Page, body: string) {
  return page.getByRole("region", { name: "Chat" }).getByRole("listitem").filter({ hasText: body });
}

async function tipInRoom(memberPage: Page, amount: string, message: string): Promise<void> {
  const panel = memberPage.getByRole("region", { name: "Tip Luna Vale" });
  await panel.getByRole("textbox", { name: "Amount" }).fill(amount);
  await panel.getByLabel("Message").fill(message);
  await panel.getByRole("button", { name: "Send tip" }).click();
  await memberPage.getByRole("dialog", { name: "Tip Luna Vale?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText(`You tipped ${amount} credits`);
}

test("a performer goes live; members chat, tip into the room feed, and a removed member can't come back", async ({ browser }) => {
  const performerPage = await openAs(browser, "performer1");
  await goLive(performerPage);
  const people = performerPage.getByRole("region", { name: "In the room" });
  const present = (page: Page, name: string) =>
    page.getByRole("list", { name: "People in the room" }).getByRole("listitem").filter({ hasText: name });

  const memberPage = await openAs(browser, "member1");
  await memberPage.goto("/p/luna");
  await expect(memberPage.getByText("Live", { exact: true })).toBeVisible();
  await memberPage.getByRole("link", { name: "Enter room" }).click();
  await expect(memberPage).toHaveURL(/\/room\/luna$/);
  await expectConnected(memberPage);
  await expect(present(performerPage, "Mia Member")).toBeVisible();
  await expect(present(memberPage, "Luna Vale")).toContainText("Performer");

  const suffix = Date.now().toString(36);
  await sendChat(memberPage, `Play the loop song ${suffix}`);
  await expect(chatLine(performerPage, `Play the loop song ${suffix}`)).toContainText("Mia Member");
  await sendChat(performerPage, `Coming right up ${suffix}`);
  await expect(chatLine(memberPage, `Coming right up ${suffix}`)).toContainText("Luna Vale");
  await expect(chatLine(memberPage, `Coming right up ${suffix}`)).toContainText("Performer");

  const balance = memberPage.getByRole("region", { name: "Tip Luna Vale" }).getByRole("status", { name: "Your balance" });
  await expect(balance).toHaveText(/^[\d,]+ credits$/);
  const balanceBefore = BigInt((await balance.innerText()).replace(/\D/g, ""));
  await tipInRoom(memberPage, "25", `For the loop ${suffix}`);
  await expect(balance).toHaveText(`${(balanceBefore - 25n).toLocaleString("en")} credits`);
  const feedLine = performerPage.getByRole("region", { name: "Room feed" }).getByRole("listitem").filter({ hasText: `For the loop ${suffix}` });
  await expect(feedLine).toContainText("Mia Member tipped 25 credits");

  const secondMemberPage = await openAs(browser, "member2");
  await secondMemberPage.goto("/room/luna");
  await expectConnected(secondMemberPage);
  const secondMember = present(performerPage, "Max Member");
  await expect(secondMember).toBeVisible();
  await secondMember.getByRole("button", { name: "Remove Max Member" }).click();
  await performerPage.getByRole("dialog", { name: "Remove Max Member?" }).getByRole("button", { name: "Remove" }).click();

  await expect(secondMemberPage.getByRole("heading", { name: "You were removed from this room" })).toBeVisible();
  await expect(secondMember).toHaveCount(0);
  await expect(present(memberPage, "Max Member")).toHaveCount(0);
  await secondMemberPage.reload();
  await expect(secondMemberPage.getByRole("heading", { name: "You were removed from this room" })).toBeVisible();
  await expect(secondMemberPage.getByRole("region", { name: "Chat" })).toHaveCount(0);

  // Leave the demo room as it was: Max back in, Luna offline.
  await people.getByRole("button", { name: "Let Max Member back in" }).click();
  await expect(people.getByRole("list", { name: "Removed members" })).toHaveCount(0);
  await goOffline(performerPage);
  await expect(memberPage.getByRole("region", { name: "Luna Vale" }).getByText("Offline", { exact: true })).toBeVisible();
});

test("a signed-out visitor sees the room and is asked to sign in to join", async ({ page }) => {
  await page.goto("/room/luna");
  await expect(page.getByRole("heading", { name: "Luna Vale", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Chat" })).toHaveCount(0);
  await page.getByRole("link", { name: "Sign in to join" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Froom%2Fluna$/);
});

async function readPendingCredits(page: Page): Promise<bigint> {
  await page.goto("/wallet");
  const amount = page.getByRole("region", { name: "Pending" }).getByText(/^-?[\d,]+$/);
  await expect(amount).toBeVisible();
  return BigInt((await amount.innerText()).replace(/,/g, ""));
}

async function meterSeconds(panel: Locator): Promise<number> {
  const [minutes, seconds] = (await panel.getByTestId("meter-duration").innerText()).split(":").map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
}

function shownCredits(panel: Locator, label: string): Promise<string> {
  return panel.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]").innerText();
}

test("a private show in the room meters on both sides and ends, settled, when the performer goes offline", async ({ browser, baseURL }) => {
  await ensureAvailableCredits(baseURL!, "member1", SHOW_CREDITS);
  const performerPage = await openAs(browser, "performer1");
  const pendingBefore = await readPendingCredits(performerPage);
  await goLive(performerPage);
  const performerPanel = performerPage.getByRole("region", { name: "Your shows", exact: true });

  const memberPage = await openAs(browser, "member1");
  const availableBefore = await readAvailableCredits(memberPage);
  await memberPage.goto("/room/luna");
  await expectConnected(memberPage);
  const memberPanel = memberPage.getByRole("region", { name: "Shows", exact: true });
  // Luna's room runs on the site defaults: a show shorter than the one-minute minimum costs 60 credits.
  await expect(memberPanel).toContainText("60 credits a minute, 1-minute minimum");
  await memberPanel.getByRole("button", { name: "Request a private show" }).click();
  await memberPage.getByRole("dialog", { name: "Request a private show?" }).getByRole("button", { name: "Send request" }).click();
  await expect(memberPanel.getByText("Waiting for Luna Vale to accept your private show request…")).toBeVisible();

  await expect(performerPanel.getByText("Mia Member")).toBeVisible({ timeout: 15_000 });
  await performerPanel.getByRole("button", { name: "Accept" }).click();
  await expect(performerPanel.getByText("Meter running")).toBeVisible();
  await expect(memberPanel.getByText("Meter running")).toBeVisible({ timeout: 15_000 });
  const performerStart = await meterSeconds(performerPanel);
  const memberStart = await meterSeconds(memberPanel);
  await expect.poll(() => meterSeconds(performerPanel), { timeout: 10_000 }).toBeGreaterThan(performerStart + 1);
  await expect.poll(() => meterSeconds(memberPanel), { timeout: 10_000 }).toBeGreaterThan(memberStart + 1);

  await goOffline(performerPage);
  await expect(memberPanel.getByText(/^The show ended: /)).toBeVisible({ timeout: 15_000 });
  await expect(performerPanel.getByText(/^The show ended: /)).toBeVisible();
  await expect.poll(() => shownCredits(memberPanel, "Charges so far")).toBe("60 cr");
  await expect.poll(() => shownCredits(performerPanel, "Charges so far")).toBe("60 cr");
  // The seeded private-show commission leaves Luna 70%.
  await expect.poll(() => shownCredits(performerPanel, "Your share so far")).toBe("42 cr");

  await memberPage.goto("/wallet");
  await expect.poll(() => readAvailableCredits(memberPage)).toBe(availableBefore - 60n);
  expect(await readPendingCredits(performerPage)).toBe(pendingBefore + 42n);
});
