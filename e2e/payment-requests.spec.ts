import type { Browser, Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ensureAvailableCredits } from "./fixtures/credits";
import { openAs } from "./fixtures/shows";

/**
 * A payment request in chat: the performer, live, asks a member in the room to pay for a service; the member gets
 * the pop-up at once and pays from Credits; both see the receipt in the chat; the performer records the service's
 * start and finish, which both still see after a reload; both list pages show it paid. For goods, the member gives
 * the shipping address in the chat and corrects it from the list page; the performer sees each at once.
 */

async function goLive(page: Page): Promise<void> {
  await page.goto("/room/luna");
  await page.getByRole("button", { name: "Go live" }).click();
  // Live once the switch flips: the button shows before the going-live request has committed.
  await expect(page.getByRole("button", { name: "Go offline" })).toBeVisible();
}

async function goOffline(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Go offline" }).click();
  await page.getByRole("dialog", { name: "Go offline?" }).getByRole("button", { name: "Go offline" }).click();
  await expect(page.getByRole("button", { name: "Go live" })).toBeVisible();
}

const chat = (page: Page): Locator => page.getByRole("list", { name: "Chat messages" });

/** The chat line of `label` ("Receipt", "Service started") about the request described `description`. */
function chatLine(page: Page, label: string, description: string): Locator {
  return chat(page)
    .getByRole("listitem")
    .filter({ hasText: label })
    .filter({ hasText: description });
}

/**
 * Luna goes live, Mia (with at least 100 credits) joins her room, and Luna asks Mia for `amount` credits for
 * `type` ("Online service" or "Physical goods") through the room's request form.
 */
async function requestInRoom(browser: Browser, baseURL: string, type: "Online service" | "Physical goods", description: string, amount: number) {
  await ensureAvailableCredits(baseURL, "member1", 100n);
  const performerPage = await openAs(browser, "performer1");
  await goLive(performerPage);

  const memberPage = await openAs(browser, "member1");
  await memberPage.goto("/room/luna");
  await expect(memberPage.getByRole("region", { name: "Chat", exact: true }).getByText("Connected")).toBeVisible({ timeout: 15_000 });

  const form = performerPage.getByRole("region", { name: "Request a payment" });
  const whoPays = form.getByLabel("Who pays");
  // The member is offered once the room's presence channel shows them in the room.
  await expect(whoPays.getByRole("option", { name: "Mia Member" })).toBeAttached({ timeout: 15_000 });
  await whoPays.selectOption({ label: "Mia Member" });
  await form.getByRole("radio", { name: type }).check();
  await form.getByLabel("Description").fill(description);
  await form.getByLabel("Amount (credits)").fill(String(amount));
  await form.getByRole("button", { name: "Send to Mia Member" }).click();
  await expect(performerPage.getByRole("region", { name: "Notifications" })).toContainText(`Mia Member was asked for ${amount} credits`);
  await expect(chatLine(performerPage, "Payment request", description)).toContainText("Waiting for payment");
  return { performerPage, memberPage };
}

test("a performer requests payment for a service in chat; the member pays from Credits; both see the receipt and the service times", async ({ browser, baseURL }) => {
  // Two browsers, a live room, four round trips each way and two list pages.
  test.setTimeout(150_000);
  const description = `Custom song ${Date.now().toString(36)}`;
  const { performerPage, memberPage } = await requestInRoom(browser, baseURL!, "Online service", description, 25);

  const popup = memberPage.getByRole("dialog", { name: "Luna Vale asks you to pay" });
  await expect(popup).toBeVisible({ timeout: 15_000 });
  await expect(popup).toContainText(description);
  await expect(popup).toContainText("25 credits");
  await expect(popup.getByRole("button", { name: /^Pay \$2\.50 by card$/ })).toBeVisible();
  await memberPage.screenshot({ path: test.info().outputPath("payment-request-popup.png") });
  await popup.getByRole("button", { name: "Pay now from Credits" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("25 credits went to Luna Vale");
  await expect(popup).toBeHidden();

  await expect(chatLine(memberPage, "Receipt", description)).toContainText("You paid Luna Vale 25 credits from Credits");
  const receipt = chatLine(performerPage, "Receipt", description);
  await expect(receipt).toContainText("Mia Member paid 25 credits from Credits; your share: 22 credits");

  await receipt.getByRole("button", { name: "Service starts now" }).click();
  await expect(chatLine(performerPage, "Service started", description)).toBeVisible();
  await expect(chatLine(memberPage, "Service started", description)).toBeVisible();
  await receipt.getByRole("button", { name: "Service finished" }).click();
  await expect(chatLine(performerPage, "Service finished", description)).toBeVisible();
  await expect(chatLine(memberPage, "Service finished", description)).toBeVisible();
  await expect(receipt.getByRole("button")).toHaveCount(0);

  for (const page of [performerPage, memberPage]) {
    await page.reload();
    await expect(chatLine(page, "Receipt", description)).toBeVisible();
    await expect(chatLine(page, "Service started", description)).toBeVisible();
    await expect(chatLine(page, "Service finished", description)).toBeVisible();
  }
  await expect(memberPage.getByRole("dialog", { name: "Luna Vale asks you to pay" })).toHaveCount(0);
  await performerPage.getByRole("region", { name: "Chat", exact: true }).screenshot({ path: test.info().outputPath("payment-request-performer-chat.png") });
  await memberPage.getByRole("region", { name: "Chat", exact: true }).screenshot({ path: test.info().outputPath("payment-request-member-chat.png") });

  const listPage = await performerPage.context().newPage();
  await listPage.goto("/performer/payment-requests");
  const row = listPage.getByRole("row").filter({ hasText: description });
  await expect(row).toContainText("Mia Member");
  await expect(row).toContainText("Paid");
  await expect(row).toContainText(/Started .* · finished /);
  await listPage.screenshot({ path: test.info().outputPath("payment-requests-performer-list.png"), fullPage: true });

  await memberPage.goto("/payment-requests");
  const memberRow = memberPage.getByRole("row").filter({ hasText: description });
  await expect(memberRow).toContainText("Luna Vale");
  await expect(memberRow).toContainText("from Credits");
  await memberPage.screenshot({ path: test.info().outputPath("payment-requests-member-list.png"), fullPage: true });

  await goOffline(performerPage);
});

test("a member pays for goods in chat, gives the shipping address there and corrects it from the list; the performer sees each at once", async ({ browser, baseURL }) => {
  // Two browsers, a live room, a payment, two saves of the address and two reloads.
  test.setTimeout(150_000);
  const description = `Signed poster ${Date.now().toString(36)}`;
  const { performerPage, memberPage } = await requestInRoom(browser, baseURL!, "Physical goods", description, 30);
  const popup = memberPage.getByRole("dialog", { name: "Luna Vale asks you to pay" });
  await expect(popup).toBeVisible({ timeout: 15_000 });
  await popup.getByRole("button", { name: "Pay now from Credits" }).click();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("30 credits went to Luna Vale");

  const memberReceipt = chatLine(memberPage, "Receipt", description);
  await expect(memberReceipt).toContainText("Where should it be shipped?");
  await expect(chatLine(performerPage, "Receipt", description)).toContainText("Waiting for the shipping address.");

  await memberReceipt.getByRole("button", { name: "Add shipping address" }).click();
  const dialog = memberPage.getByRole("dialog", { name: "Where should it be shipped?" });
  await dialog.getByRole("button", { name: "Save address" }).click();
  await expect(dialog.getByLabel("Full name")).toHaveAccessibleDescription("Enter the recipient's name.");
  await expect(dialog.getByLabel("Address", { exact: true })).toHaveAccessibleDescription("Enter the street address.");
  await expect(dialog.getByLabel("City")).toHaveAccessibleDescription("Enter the city.");
  await expect(dialog.getByLabel("Postal code")).toHaveAccessibleDescription("Enter the postal code.");
  await dialog.getByLabel("Full name").fill("Mia Member");
  await dialog.getByLabel("Address", { exact: true }).fill("12 Harbour Street");
  await dialog.getByLabel("City").fill("Lisbon");
  await dialog.getByLabel("Postal code").fill("1100-001");
  await dialog.getByLabel("Country").fill("Portugal");
  await dialog.getByRole("button", { name: "Save address" }).click();
  await expect(dialog.getByLabel("Country")).toHaveAccessibleDescription("Use the two-letter country code, like US or DE.");
  await expect(dialog.getByLabel("Full name")).not.toHaveAttribute("aria-invalid", "true");
  await dialog.screenshot({ path: test.info().outputPath("shipping-dialog-errors.png") });
  await dialog.getByLabel("Country").fill("pt");
  await dialog.getByRole("button", { name: "Save address" }).click();
  await expect(dialog).toBeHidden();
  await expect(memberPage.getByRole("region", { name: "Notifications" })).toContainText("Shipping address saved");

  const shipTo = "Ship to: Mia Member, 12 Harbour Street, 1100-001 Lisbon, PT";
  await expect(memberReceipt).toContainText(shipTo);
  await expect(chatLine(performerPage, "Receipt", description)).toContainText(shipTo);
  for (const page of [performerPage, memberPage]) {
    await page.reload();
    await expect(chatLine(page, "Receipt", description)).toContainText(shipTo);
  }
  await expect(memberReceipt.getByRole("button", { name: "Change shipping address" })).toBeVisible();

  const performerList = await performerPage.context().newPage();
  await performerList.goto("/performer/payment-requests");
  const performerRow = performerList.getByRole("row").filter({ hasText: description });
  await expect(performerRow).toContainText(shipTo);

  await memberPage.goto("/payment-requests");
  const memberRow = memberPage.getByRole("row").filter({ hasText: description });
  await expect(memberRow).toContainText(shipTo);
  await memberRow.getByRole("button", { name: "Change address" }).click();
  const change = memberPage.getByRole("dialog", { name: "Where should it be shipped?" });
  await expect(change.getByLabel("Full name")).toHaveValue("Mia Member");
  await expect(change.getByLabel("Country")).toHaveValue("PT");
  await change.getByLabel(/^Address line 2/).fill("Flat 3");
  await change.getByRole("button", { name: "Save address" }).click();
  await expect(change).toBeHidden();

  const corrected = "Ship to: Mia Member, 12 Harbour Street, Flat 3, 1100-001 Lisbon, PT";
  await expect(memberRow).toContainText(corrected);
  await expect(performerRow).toContainText(corrected);
  await memberPage.reload();
  await expect(memberPage.getByRole("row").filter({ hasText: description })).toContainText(corrected);
  await performerList.reload();
  await expect(performerList.getByRole("row").filter({ hasText: description })).toContainText(corrected);
  await memberPage.screenshot({ path: test.info().outputPath("shipping-member-list.png"), fullPage: true });

  await goOffline(performerPage);
});
