import { expect, signIn, test } from "./fixtures";

test("the app answers with its database reachable", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});

test("a seeded demo member signs in and lands on the wallet", async ({ page }) => {
  await signIn(page, "member1");
  await expect(page).toHaveURL(/\/wallet$/);
});

test("the e2e mail sink is up and empty after clearing", async ({ mail }) => {
  await mail.clear();
  expect(await mail.messages()).toEqual([]);
});
