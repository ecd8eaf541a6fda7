import type { Locator } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ensureAvailableCredits, SHOW_CREDITS } from "./fixtures/credits";
import { credits, openAs, pendingEarnings, stat } from "./fixtures/shows";
import { readAvailableCredits } from "./fixtures/wallet";

/**
 * The private show in two browser contexts: Luna goes live, Mia asks for a private show, Luna accepts,
 * both see the meter tick, Mia tips during the show, Mia ends it, and both balances move by exactly what the
 * meter charged (and the tip). Amounts are read from the pages, so admin-set prices and rates can be anything.
 */

async function meterSeconds(panel: Locator): Promise<number> {
  const [minutes, seconds] = (await panel.getByTestId("meter-duration").innerText()).split(":").map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
}

test("a private show: requested, accepted, metered on both sides, a tip in the middle, ended and settled", async ({ browser, baseURL }) => {
  await ensureAvailableCredits(baseURL!, "member1", SHOW_CREDITS);
  const performerPage = await openAs(browser, "performer1");
  const pendingBefore = await pendingEarnings(performerPage);
  await performerPage.goto("/room/luna");
  await performerPage.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(performerPage.getByRole("button", { name: "Go offline" })).toBeVisible();
  const performerPanel = performerPage.getByRole("region", { name: "Your shows", exact: true });
  await expect(performerPanel.getByRole("button", { name: "Start a group show" })).toBeVisible();

  const memberPage = await openAs(browser, "member1");
  await memberPage.goto("/wallet");
  const availableBefore = await readAvailableCredits(memberPage);
  await memberPage.goto("/room/luna");
  const memberPanel = memberPage.getByRole("region", { name: "Shows", exact: true });
  await memberPanel.getByRole("button", { name: "Request a private show" }).click();
  await memberPage.getByRole("dialog", { name: "Request a private show?" }).getByRole("button", { name: "Send request" }).click();
  await expect(memberPanel.getByText("Waiting for Luna Vale to accept your private show request…")).toBeVisible();

  // The request reaches Luna's open page live (or with the next poll).
  await expect(performerPanel.getByText("Mia Member")).toBeVisible({ timeout: 15_000 });
  await performerPanel.getByRole("button", { name: "Accept" }).click();
  await expect(performerPanel.getByText("Meter running")).toBeVisible();
  await expect(memberPanel.getByText("Meter running")).toBeVisible({ timeout: 15_000 });

  // Both meters tick.
  const performerStart = await meterSeconds(performerPanel);
  const memberStart = await meterSeconds(memberPanel);
  await expect.poll(() => meterSeconds(performerPanel), { timeout: 10_000 }).toBeGreaterThan(performerStart + 1);
  await expect.poll(() => meterSeconds(memberPanel), { timeout: 10_000 }).toBeGreaterThan(memberStart + 1);
  // Charges come from the server: the panel refreshes the meter every 10 s (and on every show event).
  await expect(stat(memberPanel, "Charges so far")).not.toHaveText(/^0 cr$/, { timeout: 15_000 });

  const tipPanel = memberPage.getByRole("region", { name: "Tip Luna Vale" });
  const message = `Encore ${Date.now().toString(36)}`;
  await tipPanel.getByRole("textbox", { name: "Amount" }).fill("25");
  await tipPanel.getByLabel("Message").fill(message);
  await tipPanel.getByRole("button", { name: "Send tip" }).click();
  await memberPage.getByRole("dialog", { name: "Tip Luna Vale?" }).getByRole("button", { name: "Send tip" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("You tipped 25 credits");

  await memberPanel.getByRole("button", { name: "End show" }).click();
  await memberPage.getByRole("dialog", { name: "End the show?" }).getByRole("button", { name: "End show" }).click();
  await expect(memberPanel.getByText("The show ended: you ended it.")).toBeVisible();
  const charged = credits(await stat(memberPanel, "Charges so far").innerText());
  expect(charged).toBeGreaterThan(0n);
  await expect(performerPanel.getByText("The show ended: the member ended it.")).toBeVisible({ timeout: 15_000 });
  const share = credits(await stat(performerPanel, "Your share so far").innerText());
  expect(share).toBeGreaterThan(0n);
  expect(share).toBeLessThanOrEqual(charged);
  await expect(stat(performerPanel, "Charges so far")).toContainText(`${charged.toLocaleString("en")} cr`);

  await memberPage.goto("/wallet");
  await expect.poll(() => readAvailableCredits(memberPage)).toBe(availableBefore - charged - 25n);
  await memberPage.goto("/shows");
  await expect(memberPage.getByRole("table", { name: "Your shows" })).toContainText("Luna Vale");

  await performerPage.getByRole("button", { name: "Go offline" }).click();
  await performerPage.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(performerPage.getByRole("button", { name: "Go live" })).toBeVisible();
  const pendingAfter = await pendingEarnings(performerPage);
  const tipLine = performerPage.getByRole("list", { name: "Recent earnings" }).getByRole("listitem").filter({ hasText: message });
  const tipShare = credits((await tipLine.innerText()).match(/\+[\d,]+/)?.[0] ?? "");
  expect(pendingAfter).toBe(pendingBefore + share + tipShare);
  await performerPage.goto("/performer/shows");
  await expect(performerPage.getByRole("table", { name: "Your shows and earnings" })).toContainText("Mia Member");
});
