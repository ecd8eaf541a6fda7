import type { Browser, Page } from "@playwright/test";
import { DEMO_PASSWORD, type DemoAccountName, demoAccounts, expect, signIn, test } from "./fixtures";
import { NEW_PASSWORD, confirmationLink, newAccount, signUpThroughPage, submitSignIn, submitSignUp, uniqueName } from "./fixtures/sign-up";

/**
 * Accounts, sign-in and the role areas through the real UI: sign-up, each demo role's landing page and
 * navigation, the server-side gates, and a suspension ending a live session.
 */

async function signUp(page: Page, options: { username: string; displayName: string; performer?: { stageName: string } }) {
  await signUpThroughPage(page, {
    email: `${options.username}@tipmeter.test`,
    username: options.username,
    displayName: options.displayName,
    ...(options.performer ? { stageName: options.performer.stageName } : {}),
  });
}

async function signInAs(browser: Browser, account: DemoAccountName): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, account);
  return page;
}

test.describe("sign-up", () => {
  test("a visitor signs up, confirms through the emailed link, then signs in to the wallet and is welcomed", async ({ page, mail }) => {
    const username = uniqueName("newbie");
    const email = `${username}@tipmeter.test`;
    await submitSignUp(page, { email, username, displayName: "Newbie Nora" });
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    await expect(page.getByText("Check your email to confirm your address, then sign in.")).toBeVisible();

    // Before confirming, the right password is answered exactly like a wrong one.
    await submitSignIn(page, email);
    await expect(page.getByText("That email and password don't match an account.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);

    await page.goto(await confirmationLink(email, mail));
    await expect(page.getByRole("heading", { level: 1, name: "Your email is confirmed" })).toBeVisible();
    await page.getByRole("link", { name: "Sign in now" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/wallet$/);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Wallet" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText("Newbie Nora");
    await expect(page.getByText(`@${username}`).first()).toBeVisible();

    const welcome = await mail.waitFor(email, (message) => message.subject === "Welcome to Tipmeter");
    expect(welcome.text).toContain(`Your Tipmeter account @${username} is ready.`);
    expect(welcome.html).toContain('<a href="http://127.0.0.1:3100/wallet">Your wallet</a>');
  });

  test("a used confirmation link is refused clearly and offers a new one, answered alike for any email", async ({ page, mail }) => {
    const account = await signUpThroughPage(page, newAccount("twice", "Twice Tia"));
    const link = await confirmationLink(account.email, mail);
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "This link was already used" })).toBeVisible();
    await page.goto(`${link}x`);
    await expect(page.getByRole("heading", { level: 1, name: "This link doesn't work" })).toBeVisible();
    await page.getByLabel("Email").fill(`${uniqueName("nobody")}@tipmeter.test`);
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect(page.getByText(/is waiting for confirmation, a new link is on its way\. Check your email, then sign in\./)).toBeVisible();
  });

  test("a taken email gets the same answer as a new one, and its owner is told by email", async ({ page, mail }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Email").fill(demoAccounts.member1.email);
    await page.getByLabel("Username").fill(uniqueName("copycat"));
    await page.getByLabel("Display name").fill("Copycat");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    await expect(page.getByText("An account with this email already exists")).toHaveCount(0);
    await expect(page).toHaveURL(/\/sign-up$/);
    await page.screenshot({ path: test.info().outputPath("sign-up-check-email.png") });
    const notice = await mail.waitFor(demoAccounts.member1.email, (message) => message.subject === "Someone tried to sign up with your email");
    expect(notice.html).toContain('<a href="http://127.0.0.1:3100/sign-in">Sign in</a>');

    await page.getByRole("link", { name: "Go to sign in" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("a taken username is reported on its field", async ({ page }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Email").fill(`${uniqueName("fresh")}@tipmeter.test`);
    await page.getByLabel("Username").fill("member1");
    await page.getByLabel("Display name").fill("Copycat");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("This username is taken; choose another.").first()).toBeVisible();
  });

  test("weak input is explained before anything is sent", async ({ page }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  });
});

test.describe("sign-in per role", () => {
  const expectations: Array<{ account: DemoAccountName; heading: string; nav: string[]; notNav: string[] }> = [
    { account: "member1", heading: "Wallet", nav: ["Wallet", "Account"], notNav: ["Users", "Dashboard"] },
    { account: "performer1", heading: "Luna Vale", nav: ["Dashboard", "Wallet", "Account"], notNav: ["Users"] },
    { account: "admin", heading: "Admin overview", nav: ["Overview", "Users", "Applications"], notNav: ["Dashboard"] },
  ];

  for (const { account, heading, nav, notNav } of expectations) {
    test(`${account} lands on their home with their navigation`, async ({ page }) => {
      await signIn(page, account);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      const mainNav = page.getByRole("navigation", { name: "Main" }).first();
      for (const label of nav) await expect(mainNav.getByRole("link", { name: label, exact: true })).toBeVisible();
      for (const label of notNav) await expect(mainNav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    });
  }

  test("a wrong password is refused with a clear message", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(demoAccounts.member2.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That email and password don't match an account.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("sign-out ends the session", async ({ page }) => {
    await signIn(page, "member2");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/");
    await page.goto("/wallet");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fwallet/);
  });
});

test.describe("role areas", () => {
  test("a visitor is sent to sign in and then back to the page they wanted", async ({ page }) => {
    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fusers/);
    await expect(page.getByText("Sign in to continue to that page.")).toBeVisible();
    await page.getByLabel("Email").fill(demoAccounts.admin.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  });

  test("a member is kept out of the admin and performer areas", async ({ page }) => {
    await signIn(page, "member1");
    for (const path of ["/admin", "/admin/users", "/performer"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/forbidden\?area=/);
      await expect(page.getByRole("heading", { level: 1, name: "This area isn't open to you" })).toBeVisible();
    }
  });

  test("a performer is kept out of the admin area", async ({ page }) => {
    await signIn(page, "performer2");
    await page.goto("/admin/applications");
    await expect(page).toHaveURL(/\/forbidden\?area=admin/);
  });

  test("the admin API refuses a member even without the pages", async ({ page }) => {
    await signIn(page, "member1");
    const response = await page.request.get("/api/trpc/ledger.users?input=%7B%22json%22%3A%7B%7D%7D");
    expect(response.status()).toBe(403);
  });
});

test.describe("performer applications", () => {
  test("an approved applicant reaches the performer dashboard without signing in again", async ({ page, browser, mail }) => {
    const username = uniqueName("artist");
    const stageName = `Stage ${username}`;
    await signUp(page, { username, displayName: "Applicant Ari", performer: { stageName } });
    await expect(page.getByText("Pending review")).toBeVisible();

    const admin = await signInAs(browser, "admin");
    await admin.goto("/admin/applications");
    await admin.getByRole("button", { name: `Approve ${stageName}` }).click();
    await admin.getByRole("dialog").getByRole("button", { name: "Approve application" }).click();
    await expect(admin.getByText(`${stageName} is approved`)).toBeVisible();
    await admin.context().close();

    await page.goto("/performer");
    await expect(page).toHaveURL(/\/performer$/);
    await expect(page.getByRole("heading", { level: 1, name: stageName })).toBeVisible();

    const approved = await mail.waitFor(`${username}@tipmeter.test`, (message) => message.subject === "Your performer application is approved");
    expect(approved.text).toContain(`Welcome aboard, ${stageName}`);
  });

  test("a rejected applicant reads the reviewer's note in an email", async ({ page, browser, mail }) => {
    const username = uniqueName("hopeful");
    const stageName = `Stage ${username}`;
    await signUp(page, { username, displayName: "Hopeful Hal", performer: { stageName } });

    const admin = await signInAs(browser, "admin");
    await admin.goto("/admin/applications");
    await admin.getByRole("button", { name: `Reject ${stageName}` }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Note to the applicant").fill("Add a bio & a photo, please");
    await dialog.getByRole("button", { name: "Reject application" }).click();
    await expect(admin.getByText(`${stageName} was rejected`)).toBeVisible();
    await admin.context().close();

    const rejected = await mail.waitFor(`${username}@tipmeter.test`, (message) => message.subject === "Your performer application was not approved");
    expect(rejected.text).toContain("The reviewer's note: Add a bio & a photo, please");
    expect(rejected.html).toContain("Add a bio &#38; a photo, please");
  });
});

test.describe("suspension", () => {
  test("a suspended user is signed out on their next request and can't sign back in", async ({ page, browser }) => {
    const username = uniqueName("doomed");
    await signUp(page, { username, displayName: "Doomed Dora" });

    const admin = await signInAs(browser, "admin");
    await admin.goto(`/admin/users?q=${username}`);
    await admin.getByRole("button", { name: `Suspend Doomed Dora (@${username})` }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Reason").fill("Chargeback abuse");
    await dialog.getByRole("button", { name: "Suspend user" }).click();
    await expect(admin.getByText("Doomed Dora is suspended")).toBeVisible();
    await expect(admin.getByRole("row", { name: new RegExp(username) })).toContainText("Suspended");
    await admin.context().close();

    await page.goto("/account");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount&reason=session-ended/);
    await expect(page.getByText("Your session has ended. Please sign in again.")).toBeVisible();
    await expect(page.getByRole("banner")).not.toContainText("Doomed Dora");

    await page.getByLabel("Email").fill(`${username}@tipmeter.test`);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("This account is suspended.")).toBeVisible();
  });
});

test.describe("small screens", () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test("the menu button opens the navigation", async ({ page }) => {
    await signIn(page, "member1");
    const menuButton = page.getByRole("button", { name: "Open menu" });
    await expect(menuButton).toHaveAttribute("aria-expanded", "false");
    await menuButton.click();
    await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole("button", { name: "Open menu" })).toHaveAttribute("aria-expanded", "false");
  });
});
