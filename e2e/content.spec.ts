import { readFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

/** Paid content: a member unlocks Luna's seeded video and plays it; a performer creates and uploads an item. */

const VIDEO_TITLE = "Moonlight loop session";

test("a member unlocks a video, plays it, finds it in the library, and its file stays closed to others", async ({ page, mail, baseURL }) => {
  await signIn(page, "member1");
  await page.goto("/p/luna");
  const content = page.getByRole("region", { name: "Content" });
  await expect(content.getByRole("listitem").filter({ hasText: VIDEO_TITLE })).toContainText("40 credits");
  await content.getByRole("link", { name: VIDEO_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1, name: VIDEO_TITLE })).toBeVisible();
  await expect(page.getByRole("img", { name: `Teaser for ${VIDEO_TITLE}` })).toBeVisible();
  await expect(page.locator("video")).toHaveCount(0);

  await page.getByRole("button", { name: "Unlock for 40 credits" }).click();
  const dialog = page.getByRole("dialog", { name: `Unlock “${VIDEO_TITLE}”?` });
  await expect(dialog).toContainText("40 credits leave your Credits wallet now and go to Luna Vale");
  const fileAnswer = page.waitForResponse((response) => response.url().includes("/api/content/files/") && response.request().resourceType() === "media");
  await dialog.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`Unlocked “${VIDEO_TITLE}”`);

  const video = page.getByRole("region", { name: "Your content" }).locator("video");
  await expect(video).toBeVisible();
  expect([200, 206]).toContain((await fileAnswer).status());
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState)).toBeGreaterThanOrEqual(2);
  await video.evaluate(async (element: HTMLVideoElement) => {
    element.muted = true;
    await element.play();
  });
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime)).toBeGreaterThan(0);
  const fileUrl = new URL((await video.getAttribute("src")) ?? "", baseURL).toString();

  const receipt = await mail.waitFor("member1@tipmeter.test", (message) => message.subject === `Receipt: ${VIDEO_TITLE}`);
  expect(receipt.text).toContain("Paid: 40 credits from your wallet");

  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Library", exact: true }).click();
  await expect(page).toHaveURL(/\/library$/);
  const unlocked = page.getByRole("region", { name: "Unlocked" });
  await expect(unlocked.getByRole("listitem").filter({ hasText: VIDEO_TITLE })).toContainText("Unlocked");

  const signedOut = await playwrightRequest.newContext();
  try {
    const response = await signedOut.get(fileUrl);
    expect(response.status()).toBe(403);
    expect((await response.body()).byteLength).toBeLessThan(200);
  } finally {
    await signedOut.dispose();
  }
});

test("a performer creates a video item, sees a mislabelled upload refused, uploads the video and publishes", async ({ page }) => {
  const title = `Kitchen clip ${Date.now().toString(36)}`;
  await signIn(page, "performer2");
  await page.getByRole("navigation", { name: "Main" }).first().getByRole("link", { name: "Content", exact: true }).click();
  await page.getByRole("link", { name: "New item" }).click();
  await page.getByLabel("Kind").selectOption("VIDEO");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Price").fill("0");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByText("A price is at least 1 credit.")).toBeVisible();
  await page.getByLabel("Price").fill("12");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  const videoSlot = page.getByRole("region", { name: "Video", exact: true });
  await videoSlot.locator("input[type=file]").setInputFiles({ name: "clip.webm", mimeType: "video/webm", buffer: Buffer.from("not really a video") });
  await expect(videoSlot.getByRole("alert")).toContainText(
    "clip.webm: This file is not a supported video (MP4, WebM) or image (JPEG, PNG, GIF, WebP).",
  );

  const realVideo = readFileSync(path.join(process.cwd(), "prisma", "seed-assets", "luna-loop.webm"));
  await videoSlot.locator("input[type=file]").setInputFiles({ name: "clip.webm", mimeType: "video/webm", buffer: realVideo });
  await expect(videoSlot.getByRole("listitem").filter({ hasText: "clip.webm" })).toContainText("video/webm");

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`${title} is on sale`);
  await page.goto("/p/rex");
  await expect(page.getByRole("region", { name: "Content" }).getByRole("link", { name: title })).toBeVisible();
});

test("a member unlocks a set of pictures and pages through them large, with the mouse and the keyboard", async ({ page }) => {
  const title = "Backstage at the Blue Room";
  await signIn(page, "member2");
  await page.goto("/p/luna");
  await page.getByRole("region", { name: "Content" }).getByRole("link", { name: title }).click();
  await page.getByRole("button", { name: "Unlock for 25 credits" }).click();
  await page.getByRole("dialog", { name: `Unlock “${title}”?` }).getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("region", { name: "Notifications" })).toContainText(`Unlocked “${title}”`);

  const pictures = page.getByRole("list", { name: "Pictures" });
  await pictures.getByRole("button", { name: "Open picture 1 of 3" }).click();
  const viewer = page.getByRole("dialog", { name: `${title}, picture 1 of 3` });
  await expect(viewer).toBeVisible();
  const large = viewer.getByRole("img", { name: `${title}, picture 1 of 3` });
  await expect.poll(() => large.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0);
  // Shown large: wider than the thumbnail it was opened from.
  const thumbnailWidth = (await pictures.getByRole("img").first().boundingBox())?.width ?? 0;
  expect((await large.boundingBox())?.width ?? 0).toBeGreaterThan(thumbnailWidth);

  await viewer.getByRole("button", { name: "Next picture" }).click();
  await expect(page.getByRole("dialog", { name: `${title}, picture 2 of 3` })).toBeVisible();
  await page.keyboard.press("ArrowRight");
  const last = page.getByRole("dialog", { name: `${title}, picture 3 of 3` });
  await expect(last).toBeVisible();
  await expect(last.getByRole("button", { name: "Next picture" })).toBeDisabled();
  await last.getByRole("button", { name: "Previous picture" }).click();
  await expect(page.getByRole("dialog", { name: `${title}, picture 2 of 3` })).toBeVisible();

  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(pictures.getByRole("button", { name: "Open picture 2 of 3" })).toBeFocused();
});
