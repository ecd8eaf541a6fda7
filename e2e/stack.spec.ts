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

test("every response carries the security headers, and no framework banner", async ({ request }) => {
  for (const path of ["/", "/wallet", "/api/health", "/room/luna"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
});

test("another site can't frame a page with money buttons", async ({ page, baseURL }) => {
  await page.setContent(`<iframe title="framed" src="${baseURL}/room/luna"></iframe>`);
  const framed = () => page.frames().find((frame) => frame !== page.mainFrame())?.url() ?? "";
  // Chromium replaces a refused frame's document with its own error page.
  await expect.poll(framed).toMatch(/^chrome-error:/);
});
