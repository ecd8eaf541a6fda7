import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/server/auth/session-user";
import { closeDb, pool } from "@/server/db/client";
import type { OutgoingEmail } from "@/server/integrations/email";
import { deliverAllDue } from "@/server/outbox/relay";
import { fundUser } from "@/server/testing/factories";
import { applyAsPerformer } from "@/server/services/accounts";
import { makeAdmin, makeMember, makePerformer, uniqueIdentity } from "@/server/testing/users";
import { callerAs } from "@/server/testing/api";

/** The account emails: welcome, application decisions, transfer received, membership cancelled. */

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
const failing = vi.hoisted(() => ({ now: false }));
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    if (failing.now) throw new Error("SMTP is down");
    sent.push(message);
  }),
}));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));

let admin: SessionUser;

const to = (email: string) => sent.filter((message) => message.to === email);

beforeAll(async () => {
  admin = await makeAdmin();
});

// What earlier tests left in the outbox is delivered before this one starts, so it can't appear in its emails.
beforeEach(async () => {
  failing.now = false;
  await deliverAllDue(pool);
  sent.length = 0;
});

afterAll(async () => {
  await closeDb();
});

describe("sign-up", () => {
  it("emails the new member a confirmation link, then welcomes them, in text and HTML, with a link to the wallet", async () => {
    const identity = uniqueIdentity("newbie");
    await callerAs(null).auth.signUp({ ...identity, displayName: "Nora <3", password: "a test passphrase" });
    await deliverAllDue(pool);
    const [confirmation, ...others] = to(identity.email);
    expect(others).toEqual([]);
    expect(confirmation?.subject).toBe("Confirm your email for Tipmeter");
    expect(confirmation?.text).toContain("Hi Nora <3,");
    expect(confirmation?.html).toContain("Hi Nora &#60;3,");
    const token = /Confirm my email: http:\/\/.+\/confirm-email\?token=([\w-]+)\n/.exec(confirmation?.text ?? "")?.[1];
    expect(token).toBeDefined();

    await callerAs(null).auth.confirmEmail({ token: token ?? "" });
    await deliverAllDue(pool);
    const welcome = to(identity.email).find((message) => message.subject === "Welcome to Tipmeter");
    expect(welcome?.text).toContain("Hi Nora <3,");
    expect(welcome?.text).toMatch(/Your wallet: http:\/\/.+\/wallet\n/);
    expect(welcome?.html).toContain("Hi Nora &#60;3,");
  });

  it("creates the account even when the confirmation email can't be sent yet", async () => {
    failing.now = true;
    const identity = uniqueIdentity("unlucky");
    await callerAs(null).auth.signUp({ ...identity, password: "a test passphrase" });
    const { rowCount } = await pool.query("SELECT 1 FROM users WHERE email = $1", [identity.email]);
    expect(rowCount).toBe(1);
    await deliverAllDue(pool);
    expect(to(identity.email)).toEqual([]);
  });
});

describe("performer applications", () => {
  it("tells the applicant the application is approved", async () => {
    const member = await makeMember("applicant");
    await applyAsPerformer(member, { stageName: "Nova Sky", bio: "Synth sets" });
    await callerAs(admin).admin.applications.review({ userId: member.id, decision: "APPROVE" });
    await deliverAllDue(pool);
    expect(to(member.email).map((message) => message.subject)).toEqual(["Your performer application is approved"]);
    expect(to(member.email)[0]?.text).toContain("Welcome aboard, Nova Sky");
    expect(to(member.email)[0]?.text).toContain("/performer\n");
  });

  it("tells the applicant it was rejected, with the reviewer's note", async () => {
    const member = await makeMember("applicant");
    await applyAsPerformer(member, { stageName: "Nova Sky", bio: "Synth sets" });
    await callerAs(admin).admin.applications.review({ userId: member.id, decision: "REJECT", note: "Add a real bio & photo" });
    await deliverAllDue(pool);
    const [rejected] = to(member.email);
    expect(rejected?.subject).toBe("Your performer application was not approved");
    expect(rejected?.text).toContain("The reviewer's note: Add a real bio & photo");
    expect(rejected?.html).toContain("Add a real bio &#38; photo");
  });

  it("sends nothing when the review is refused", async () => {
    const member = await makeMember("applicant");
    await expect(callerAs(member).admin.applications.review({ userId: member.id, decision: "APPROVE" })).rejects.toThrow();
    await deliverAllDue(pool);
    expect(to(member.email)).toEqual([]);
  });
});

describe("transfers", () => {
  it("tells the recipient who sent how much, once, even when the sender retries", async () => {
    const sender = await makeMember("sender");
    const recipient = await makeMember("recipient");
    await fundUser(pool, sender.id, 100n);
    const request = { recipient: recipient.username, amount: 25n, note: "For the <coffee>", idempotencyKey: randomUUID() };
    await callerAs(sender).transfers.send(request);
    await callerAs(sender).transfers.send(request);
    await deliverAllDue(pool);
    expect(to(sender.email)).toEqual([]);
    const [received, ...others] = to(recipient.email);
    expect(others).toEqual([]);
    expect(received?.subject).toBe(`${sender.displayName} sent you 25 credits`);
    expect(received?.text).toContain("Their note: “For the <coffee>”");
    expect(received?.html).toContain("For the &#60;coffee&#62;");
  });

  it("keeps the transfer when the email fails, and sends the email on a later try", async () => {
    const sender = await makeMember("sender");
    const recipient = await makeMember("recipient");
    await fundUser(pool, sender.id, 100n);
    failing.now = true;
    const result = await callerAs(sender).transfers.send({ recipient: recipient.username, amount: 10n, idempotencyKey: randomUUID() });
    expect(result.replayed).toBe(false);
    const { rowCount } = await pool.query("SELECT 1 FROM transfers WHERE id = $1", [result.transferId]);
    expect(rowCount).toBe(1);

    await deliverAllDue(pool);
    expect(to(recipient.email)).toEqual([]);
    failing.now = false;
    await pool.query("UPDATE outbox_messages SET available_at = now() - interval '1 second' WHERE key = $1", [`transfer:${result.transferId}:received-email`]);
    await deliverAllDue(pool);
    expect(to(recipient.email).map((message) => message.subject)).toEqual([`${sender.displayName} sent you 10 credits`]);
  });
});

describe("memberships", () => {
  it("tells the member a cancelled membership lasts until its period ends", async () => {
    await callerAs(admin).commissions.set({ kind: "MEMBERSHIP", performerShareBps: 7500 });
    const performer = await makePerformer(admin, "Club Host");
    const plan = await callerAs(performer).memberships.createPlan({ name: "Club", price: 10n, periodDays: 30 });
    const member = await makeMember("fan");
    await fundUser(pool, member.id, 100n);
    const { membershipId, currentPeriodEnd } = await callerAs(member).memberships.subscribe({ planId: plan.id, idempotencyKey: randomUUID() });
    await deliverAllDue(pool);
    sent.length = 0;

    await callerAs(member).memberships.cancel({ membershipId });
    await deliverAllDue(pool);
    const [cancelled, ...others] = to(member.email);
    expect(others).toEqual([]);
    expect(cancelled?.subject).toBe("Cancelled: Club (Club Host)");
    const until = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(currentPeriodEnd);
    expect(cancelled?.text).toContain(`Your access lasts until ${until} UTC`);
    expect(cancelled?.html).toContain("Manage your memberships</a>");
  });
});
