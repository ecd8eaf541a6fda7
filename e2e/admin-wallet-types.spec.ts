import { expect, signIn, test } from "./fixtures";

/**
 * An admin defines a new kind of wallet on the Wallets page, from an empty form; it is there after a reload, every
 * member has one at once, and the admin can adjust a member's wallet of that type. Deactivating it is refused while
 * it holds credits and allowed once it is back at zero.
 */

test("an admin creates a wallet type, sees it after a reload, and adjusts a member's wallet of it", async ({ page }) => {
  const id = `vip-${Date.now().toString(36)}`;
  const name = `VIP ${id.slice(4)}`;
  await signIn(page, "admin");
  await page.goto("/admin");
  await page.getByRole("link", { name: "Wallets" }).click();
  await expect(page.getByRole("heading", { name: "Wallets", level: 1 })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Credits" }).first()).toContainText("Built in");

  await page.getByRole("button", { name: "New wallet type" }).click();
  const form = page.getByRole("dialog", { name: "New wallet type" });
  await form.getByRole("button", { name: "Create wallet type" }).click();
  await expect(form.getByLabel("Id", { exact: true })).toHaveAccessibleDescription(/lower-case letters/);
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(/at least 2 characters/);

  await form.getByLabel("Id", { exact: true }).fill(id);
  await form.getByLabel("Currency").selectOption("CRD");
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Description").fill("Credits for our best members.");
  await form.getByRole("checkbox", { name: "Tips" }).check();
  await form.getByRole("checkbox", { name: "Store orders" }).check();
  await form.getByLabel("Store share cap (%)").fill("25");
  await form.getByLabel("Position").fill("50");
  await form.getByRole("checkbox", { name: /^Exchange in/ }).check();
  await form.getByRole("button", { name: "Create wallet type" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Wallet type created");
  await expect(form).toBeHidden();

  await page.reload();
  const row = page.getByRole("row").filter({ hasText: id });
  await expect(row).toContainText(name);
  await expect(row).toContainText("Pays for tips and store orders.");
  await expect(row).toContainText("Covers at most 25% of a store order.");
  await expect(row).toContainText("You can exchange into it, not out of it.");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("0 credits");

  await page.goto("/admin/users?q=member1%40tipmeter.test");
  await page.getByRole("button", { name: "Adjust balance of Mia Member (@member1)" }).click();
  const dialog = page.getByRole("dialog", { name: "Adjust Mia Member's balance" });
  await dialog.getByLabel("Wallet").selectOption(id);
  await dialog.getByRole("radio", { name: "Add" }).check();
  await dialog.getByLabel("Amount").fill("40");
  await dialog.getByLabel("Reason").fill("VIP welcome credits");
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText(`Add 40 credits to the ${name} wallet`);
  await expect(dialog).toContainText("0 credits → 40 credits");
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Balance adjusted");
  await expect(page.getByRole("row").filter({ hasText: "member1@tipmeter.test" })).toContainText(`${name}40`);

  await page.goto("/admin/wallets");
  await page.getByRole("button", { name: `Deactivate ${name}` }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`The ${name} wallet cannot be deactivated: 1 wallet still holds a balance (40 credits in total).`);
  await expect(page.getByRole("row").filter({ hasText: id })).toContainText("40 credits");

  // Once the wallet is back at zero the type can go, and Mia's pages no longer list it.
  await page.goto("/admin/users?q=member1%40tipmeter.test");
  await page.getByRole("button", { name: "Adjust balance of Mia Member (@member1)" }).click();
  await dialog.getByLabel("Wallet").selectOption(id);
  await dialog.getByRole("radio", { name: "Remove" }).check();
  await dialog.getByLabel("Amount").fill("40");
  await dialog.getByLabel("Reason").fill("VIP wallet closed");
  await dialog.getByRole("button", { name: "Review adjustment" }).click();
  await expect(dialog).toContainText(`Remove 40 credits from the ${name} wallet`);
  await dialog.getByRole("button", { name: "Confirm adjustment" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Balance adjusted");
  await page.goto("/admin/wallets");
  await page.getByRole("button", { name: `Deactivate ${name}` }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`${name} deactivated`);
  await expect(page.getByRole("row").filter({ hasText: id })).toContainText("Inactive");
});
