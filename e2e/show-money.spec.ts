import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ensureAvailableCredits, SHOW_CREDITS } from "./fixtures/credits";
import { credits, openAs, stat, statHint } from "./fixtures/shows";
import { expectSameDocument, markDocument, readAvailableCredits } from "./fixtures/wallet";

/**
 * Money on screen agrees with itself while a show runs: the member's open wallet page, the member's show panel and
 * the performer's panel show the same charges on every tick of the meter, without a reload; in group shows the
 * performer's clock for each member keeps time with the member's own.
 */

async function walletCard(page: Page, label: string): Promise<bigint> {
  return credits(await page.getByRole("region", { name: label, exact: true }).getByText(/^-?[\d,]+$/).innerText());
}

function seconds(text: string): number {
  const [minutes, rest] = text.split(":").map(Number);
  return (minutes ?? 0) * 60 + (rest ?? 0);
}

async function goLive(page: Page): Promise<Locator> {
  await page.goto("/room/luna");
  await page.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(page.getByRole("button", { name: "Go offline" })).toBeVisible();
  const panel = page.getByRole("region", { name: "Your shows", exact: true });
  await expect(panel.getByRole("button", { name: "Start a group show" })).toBeVisible();
  return panel;
}

async function goOffline(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Go offline" }).click();
  await page.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(page.getByRole("button", { name: "Go live" })).toBeVisible();
}

test("during a private show the wallet, the member's panel and the performer's panel move together on every charge", async ({ browser, baseURL }) => {
  await ensureAvailableCredits(baseURL!, "member1", SHOW_CREDITS);
  const performerPage = await openAs(browser, "performer1");
  const performerPanel = await goLive(performerPage);

  const walletPage = await openAs(browser, "member1");
  await walletPage.goto("/wallet");
  const availableBefore = await readAvailableCredits(walletPage);
  await markDocument(walletPage);
  const roomPage = await walletPage.context().newPage();
  await roomPage.goto("/room/luna");
  const memberPanel = roomPage.getByRole("region", { name: "Shows", exact: true });
  await memberPanel.getByRole("button", { name: "Request a private show" }).click();
  const request = roomPage.getByRole("dialog", { name: "Request a private show?" });
  await expect(request).toContainText("move to Held in your wallet and are charged once the meter runs");
  await request.getByRole("button", { name: "Send request" }).click();
  await expect(performerPanel.getByText("Mia Member")).toBeVisible({ timeout: 15_000 });
  await performerPanel.getByRole("button", { name: "Accept" }).click();
  await expect(memberPanel.getByText("Meter running")).toBeVisible({ timeout: 15_000 });

  // One snapshot of every figure; they agree once the tick that billed the meter has posted its charge.
  const agreeing = async () => {
    const charged = credits(await stat(memberPanel, "Charges so far").innerText());
    const collected = credits(await statHint(memberPanel, "Charges so far").innerText());
    const left = credits(await stat(memberPanel, "Balance left").innerText());
    const available = await walletCard(walletPage, "Credits");
    const held = await walletCard(walletPage, "Held");
    const performerCharged = credits(await stat(performerPanel, "Charges so far").innerText());
    const share = credits(await stat(performerPanel, "Your share so far").innerText());
    return (
      charged > 0n &&
      collected === charged &&
      // The running show keeps its next minute held, so what left Available is the charges plus that hold.
      available + held === availableBefore - collected &&
      left === available + held &&
      performerCharged === charged &&
      share > 0n &&
      share <= charged
    );
  };
  await expect.poll(agreeing, { timeout: 30_000 }).toBe(true);
  await expectSameDocument(walletPage);

  await memberPanel.getByRole("button", { name: "End show" }).click();
  await roomPage.getByRole("dialog", { name: "End the show?" }).getByRole("button", { name: "End show" }).click();
  await expect(memberPanel.getByText("The show ended: you ended it.")).toBeVisible();
  const charged = credits(await stat(memberPanel, "Charges so far").innerText());
  await expect.poll(() => walletCard(walletPage, "Credits")).toBe(availableBefore - charged);
  await expect.poll(() => walletCard(walletPage, "Held")).toBe(0n);
  await expectSameDocument(walletPage);
  await goOffline(performerPage);
});

test("in a group show the performer's clock for each member keeps time with the member's own meter", async ({ browser, baseURL }) => {
  await ensureAvailableCredits(baseURL!, "member2", SHOW_CREDITS);
  const performerPage = await openAs(browser, "performer1");
  const performerPanel = await goLive(performerPage);
  await performerPanel.getByRole("button", { name: "Start a group show" }).click();
  await expect(performerPanel.getByText("No members have joined yet.")).toBeVisible();

  const memberPage = await openAs(browser, "member2");
  await memberPage.goto("/room/luna");
  const memberPanel = memberPage.getByRole("region", { name: "Shows", exact: true });
  await memberPanel.getByRole("button", { name: "Join the group show" }).click();
  await memberPage.getByRole("dialog", { name: "Join the group show?" }).getByRole("button", { name: "Join" }).click();
  await expect(memberPanel.getByText("Meter running")).toBeVisible();

  const memberRow = performerPanel.getByRole("list", { name: "Members in this show" }).getByRole("listitem");
  await expect(memberRow.getByText("On")).toBeVisible({ timeout: 15_000 });
  const performerClock = memberRow.getByTestId("participant-duration");
  const memberClock = memberPanel.getByTestId("meter-duration");
  const start = seconds(await performerClock.innerText());
  await expect.poll(async () => seconds(await performerClock.innerText())).toBeGreaterThan(start + 2);
  // Sampled on each of several seconds of the member's clock; the performer's clock is read on both sides of it,
  // so a second turning over between the reads is allowed for.
  for (let sample = 0; sample < 6; sample++) {
    const performerBefore = seconds(await performerClock.innerText());
    const member = seconds(await memberClock.innerText());
    const performerAfter = seconds(await performerClock.innerText());
    expect(member).toBeGreaterThanOrEqual(performerBefore - 2);
    expect(member).toBeLessThanOrEqual(performerAfter + 2);
    await expect.poll(async () => seconds(await memberClock.innerText())).toBeGreaterThan(member);
  }

  await performerPanel.getByRole("button", { name: "End show" }).click();
  await performerPage.getByRole("dialog", { name: "End the show?" }).getByRole("button", { name: "End show" }).click();
  await expect(memberPanel.getByText(/The show ended/)).toBeVisible({ timeout: 15_000 });
  await goOffline(performerPage);
});
