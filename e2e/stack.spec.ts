import { test as unguardedTest } from "@playwright/test";
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

// The next two are unguarded: the fixtures fail any test whose page reports a policy violation, and these
// provoke violations on purpose.
unguardedTest("a page runs only the scripts served with its nonce: injected markup stays inert", async ({ page, request }) => {
  const nonceOf = async () => {
    const policy = (await request.get("/room/luna")).headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    return /'nonce-([^']+)'/.exec(policy)?.[1];
  };
  expect(await nonceOf()).not.toEqual(await nonceOf());

  // As if a stored message had slipped markup into the page: an inline script and an inline handler, no nonce.
  const injected = `<script>window.injectedRan = true</script><img src="/missing.png" onerror="window.injectedRan = true">`;
  await page.route("**/room/luna", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()).replace("</body>", `${injected}</body>`) });
  });
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (/violates the following Content Security Policy/.test(message.text())) blocked.push(message.text());
  });
  await page.goto("/room/luna");
  await expect(page.getByRole("heading", { name: /luna/i }).first()).toBeVisible();
  await expect.poll(() => blocked.length).toBe(2);
  expect(await page.evaluate(() => (window as { injectedRan?: boolean }).injectedRan)).toBeUndefined();
  // The page's own scripts still ran: Next.js's client runtime started.
  expect(await page.evaluate(() => (window as { next?: { version?: string } }).next?.version)).toBeTruthy();
});

unguardedTest("another site can't frame a page with money buttons", async ({ page, baseURL }) => {
  await page.setContent(`<iframe title="framed" src="${baseURL}/room/luna"></iframe>`);
  const framed = () => page.frames().find((frame) => frame !== page.mainFrame())?.url() ?? "";
  // Chromium replaces a refused frame's document with its own error page.
  await expect.poll(framed).toMatch(/^chrome-error:/);
});
