import { expect, signIn, test } from "./fixtures";

/**
 * A member joins a fan club from the performer's page, finds it with its next renewal on /memberships, and can
 * then open the club's gated post without paying for it.
 */

test("member1 joins Luna's fan club from /p/luna and sees the next renewal on /memberships", async ({ page, mail }) => {
  await signIn(page, "member1");
  await page.goto("/p/luna");
  await page.getByRole("link", { name: "Setlist notes: the winter tour" }).click();
  await expect(page.getByRole("heading", { name: "Setlist notes: the winter tour" })).toBeVisible();
  await expect(page.getByText("Every night of the winter tour ended with a different encore")).toHaveCount(0);
  await page.goto("/p/luna");
  const plan = page.getByRole("region", { name: "Luna's Inner Circle" });
  await expect(plan).toContainText("50 credits per 30 days");
  await expect(plan.getByRole("list", { name: "What Luna's Inner Circle unlocks" })).toContainText("Vote on the next live set");

  await plan.getByRole("button", { name: "Join for 50 credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Join Luna's Inner Circle?" });
  await expect(dialog).toContainText("50 credits leave your Credits wallet now for the first 30 days");
  await dialog.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Welcome to Luna's Inner Circle");
  await expect(plan).toContainText("You're a member. Renews on");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Memberships" }).click();
  await expect(page).toHaveURL(/\/memberships$/);
  const membership = page.getByRole("region", { name: "Luna's Inner Circle" });
  await expect(membership).toContainText("Luna Vale");
  await expect(membership).toContainText("Active");
  await expect(membership).toContainText(/Next renewal .+ for 50 credits\./);

  const receipt = await mail.waitFor("member1@tipmeter.test", (message) => message.subject === "Welcome to Luna's Inner Circle (Luna Vale)");
  expect(receipt.text).toContain("Paid: 50 credits from your wallet.");

  await page.goto("/p/luna");
  await page.getByRole("link", { name: "Setlist notes: the winter tour" }).click();
  await expect(page.getByText("Every night of the winter tour ended with a different encore")).toBeVisible();
});

test("member1 cancels the fan club on /memberships and is told by email that access lasts until the period ends", async ({ page, mail }) => {
  await signIn(page, "member1");
  await page.goto("/memberships");
  const membership = page.getByRole("region", { name: "Luna's Inner Circle" });
  await membership.getByRole("button", { name: "Cancel membership" }).click();
  await page.getByRole("dialog", { name: "Cancel Luna's Inner Circle?" }).getByRole("button", { name: "Cancel membership" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText("Membership cancelled");
  await expect(membership).toContainText("Cancelled: your access continues until");

  const email = await mail.waitFor("member1@tipmeter.test", (message) => message.subject === "Cancelled: Luna's Inner Circle (Luna Vale)");
  expect(email.text).toMatch(/Your access lasts until .+ UTC, the end of the period you paid for\./);
  expect(email.html).toContain('<a href="http://127.0.0.1:3100/memberships">Manage your memberships</a>');
});

test("a signed-out visitor sees the site plans on /premium with a sign-in link", async ({ page }) => {
  await page.goto("/premium");
  const premium = page.getByRole("region", { name: "Premium", exact: true });
  await expect(premium).toContainText("200 credits per 30 days");
  await premium.getByRole("link", { name: "Sign in to join" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fpremium$/);
});
