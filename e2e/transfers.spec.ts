import { expect, signIn, test } from "./fixtures";

/** Credits from one member to another: a confirmation with fee and total, then both histories name the other side. */

test("member1 sends credits to member2, both see the transfer in their history, and member2 gets an email", async ({ browser, mail }) => {
  const recipientPage = await (await browser.newContext()).newPage();
  await signIn(recipientPage, "member2");
  const recipientHistory = recipientPage.getByRole("region", { name: "History" });
  await expect(recipientHistory).toBeVisible();

  const page = await (await browser.newContext()).newPage();
  await signIn(page, "member1");
  await page.getByRole("main").getByRole("link", { name: "Send credits" }).click();
  await expect(page).toHaveURL(/\/wallet\/transfer$/);
  const note = `Coffee ${Date.now().toString(36)}`;
  const form = page.getByRole("region", { name: "Send credits" });
  await form.getByLabel("Recipient").fill("member2");
  await form.getByLabel("Amount").fill("10");
  await form.getByLabel("Note").fill(note);
  await form.getByRole("button", { name: "Review transfer" }).click();

  const dialog = page.getByRole("dialog", { name: "Send 10 credits to Max Member?" });
  await expect(dialog).toContainText("Max Member (@member2)");
  await expect(dialog.getByRole("definition").nth(1)).toHaveText("Your Credits wallet");
  await expect(dialog.getByRole("definition").nth(3)).toHaveText("0 credits");
  await expect(dialog.getByRole("definition").nth(4)).toHaveText("10 credits");
  await dialog.getByRole("button", { name: "Send credits" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Sent 10 credits");

  await page.goto("/wallet");
  const sent = page.getByRole("row").filter({ hasText: note });
  await expect(sent).toContainText(`Transfer to Max Member: “${note}”`);
  await expect(sent).toContainText("-10");

  // The recipient's open wallet updates live, without a reload.
  const received = recipientHistory.getByRole("row").filter({ hasText: note });
  await expect(received).toContainText(`Transfer from Mia Member: “${note}”`);
  await expect(received).toContainText("+10");

  const email = await mail.waitFor("member2@tipmeter.test", (message) => (message.text ?? "").includes(note));
  expect(email.subject).toBe("Mia Member sent you 10 credits");
  expect(email.text).toContain(`Their note: “${note}”`);
  expect(email.text).toContain("Your wallet: http://127.0.0.1:3100/wallet");
});

test("a transfer to oneself is refused before anything moves", async ({ page }) => {
  await signIn(page, "member1");
  await page.goto("/wallet/transfer");
  const form = page.getByRole("region", { name: "Send credits" });
  await form.getByLabel("Recipient").fill("member1@tipmeter.test");
  await form.getByLabel("Amount").fill("5");
  await form.getByRole("button", { name: "Review transfer" }).click();
  await expect(form.getByRole("alert")).toContainText("You cannot send credits to yourself.");
  await expect(page.getByRole("dialog")).toHaveCount(0);
});
