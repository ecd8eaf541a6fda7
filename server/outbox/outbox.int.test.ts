import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "@/server/domain/outbox";
import type { OutgoingEmail } from "@/server/integrations/email";
import { callerAs } from "@/server/testing/api";
import { makeAdmin } from "@/server/services/users.testing";
import { enqueue } from "./messages";
import { deliverAllDue, deliverDue, startOutboxRelay } from "./relay";

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
const failNextSends = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    if (failNextSends.count > 0) {
      failNextSends.count -= 1;
      throw new Error("SMTP 451: try again later");
    }
    sent.push(message);
  }),
}));
const trigger = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: { trigger },
}));

interface Row {
  attempts: number;
  delivered: boolean;
  dead: boolean;
  last_error: string | null;
  wait_seconds: number;
}

async function rowOf(key: string): Promise<Row | undefined> {
  const { rows } = await pool.query<Row>(
    `SELECT attempts, delivered_at IS NOT NULL AS delivered, dead_at IS NOT NULL AS dead, last_error,
            round(extract(epoch FROM available_at - now()))::int AS wait_seconds
       FROM outbox_messages WHERE key = $1`,
    [key],
  );
  return rows[0];
}

function email(key: string) {
  return { key, kind: "email" as const, email: { to: "mia@example.test", subject: `About ${key}`, text: "Hello" } };
}

/** Makes a failed message due now, as if its backoff had passed. */
async function makeDue(key: string): Promise<void> {
  await pool.query(`UPDATE outbox_messages SET available_at = now() - interval '1 second' WHERE key = $1`, [key]);
}

beforeEach(async () => {
  await deliverAllDue(pool);
  sent.length = 0;
  failNextSends.count = 0;
  trigger.mockClear();
});

afterAll(async () => {
  await closeDb();
});

describe("writing to the outbox", () => {
  it("keeps a message only if its transaction commits", async () => {
    const committed = `test:${randomUUID()}`;
    const rolledBack = `test:${randomUUID()}`;
    await withTransaction(pool, (db) => enqueue(db, [email(committed)]));
    await expect(
      withTransaction(pool, async (db) => {
        await enqueue(db, [email(rolledBack)]);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");

    expect(await rowOf(committed)).toMatchObject({ attempts: 0, delivered: false });
    expect(await rowOf(rolledBack)).toBeUndefined();
  });

  it("writes a message once however often the same change is written", async () => {
    const key = `test:${randomUUID()}`;
    await withTransaction(pool, (db) => enqueue(db, [email(key), email(key)]));
    await withTransaction(pool, (db) => enqueue(db, [email(key)]));
    await deliverAllDue(pool);

    const { rows } = await pool.query(`SELECT 1 FROM outbox_messages WHERE key = $1`, [key]);
    expect(rows).toHaveLength(1);
    expect(sent.filter((message) => message.subject === `About ${key}`)).toHaveLength(1);
  });
});

describe("delivering", () => {
  it("sends each kind, with a Message-ID that the key decides", async () => {
    const key = `test:${randomUUID()}`;
    const userId = randomUUID();
    await withTransaction(pool, (db) =>
      enqueue(db, [
        email(key),
        { key: `${key}:event`, kind: "realtime", channels: ["private-admins"], event: "order.updated", data: { id: "o1", status: "PAID" } },
        { key: `${key}:wallet`, kind: "wallet-update", userId },
      ]),
    );

    expect(await deliverAllDue(pool)).toEqual({ delivered: 3, failed: 0, dead: 0 });
    expect(sent).toEqual([expect.objectContaining({ subject: `About ${key}`, messageId: expect.stringMatching(/^<test=3a.+@localhost>$/) })]);
    expect(trigger).toHaveBeenCalledWith("private-admins", "order.updated", { id: "o1", status: "PAID" });
    expect(trigger).toHaveBeenCalledWith(`private-user-${userId}`, "wallet.updated", { available: "0", pending: "0", held: "0", restricted: false });
    expect(await rowOf(key)).toMatchObject({ attempts: 1, delivered: true, last_error: null });
  });

  it("retries a failed delivery after its backoff, and a later success delivers it once", async () => {
    const key = `test:${randomUUID()}`;
    await withTransaction(pool, (db) => enqueue(db, [email(key)]));
    failNextSends.count = 1;

    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(await rowOf(key)).toMatchObject({ attempts: 1, delivered: false, dead: false, last_error: "SMTP 451: try again later", wait_seconds: retryDelaySeconds(1) });
    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 0, dead: 0 });

    await makeDue(key);
    expect(await deliverAllDue(pool)).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(await rowOf(key)).toMatchObject({ attempts: 2, delivered: true, last_error: null });
    expect(sent.filter((message) => message.subject === `About ${key}`)).toHaveLength(1);
  });

  it(`gives up after ${MAX_DELIVERY_ATTEMPTS} failures and keeps the message as a dead letter`, async () => {
    const key = `test:${randomUUID()}`;
    await withTransaction(pool, (db) => enqueue(db, [email(key)]));
    failNextSends.count = MAX_DELIVERY_ATTEMPTS;
    for (let attempt = 1; attempt < MAX_DELIVERY_ATTEMPTS; attempt += 1) {
      expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 1, dead: 0 });
      await makeDue(key);
    }
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 0, dead: 1 });
    expect(await rowOf(key)).toMatchObject({ attempts: MAX_DELIVERY_ATTEMPTS, delivered: false, dead: true });
    await makeDue(key);
    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(sent).toHaveLength(0);

    const admin = callerAs(await makeAdmin());
    const [dead] = (await admin.outbox.undelivered()).filter((message) => message.key === key);
    expect(dead).toMatchObject({ kind: "email", target: "mia@example.test", state: "dead", attempts: MAX_DELIVERY_ATTEMPTS, lastError: "SMTP 451: try again later", nextTryAt: null });
    expect((await admin.admin.overview()).undeliveredMessages).toBeGreaterThan(0);

    await admin.outbox.retry({ id: dead!.id });
    expect(await deliverAllDue(pool)).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(sent.map((message) => message.subject)).toEqual([`About ${key}`]);
    expect((await admin.outbox.undelivered()).some((message) => message.key === key)).toBe(false);
    await expect(admin.outbox.retry({ id: dead!.id })).rejects.toThrow("That message was delivered already or does not exist.");
  });

  it("delivers each message once when several relays work at the same time", async () => {
    const keys = Array.from({ length: 60 }, () => `test:${randomUUID()}`);
    await withTransaction(pool, (db) => enqueue(db, keys.map(email)));

    const reports = await Promise.all([deliverDue(pool, 7), deliverDue(pool, 7), deliverDue(pool, 7), deliverAllDue(pool), deliverAllDue(pool)]);

    expect(reports.reduce((sum, report) => sum + report.delivered, 0)).toBe(keys.length);
    expect(sent.map((message) => message.subject).sort()).toEqual(keys.map((key) => `About ${key}`).sort());
  });

  it("takes back a message whose deliverer died mid-delivery, once its claim runs out", async () => {
    const key = `test:${randomUUID()}`;
    await withTransaction(pool, (db) => enqueue(db, [email(key)]));
    // A relay claimed it and was killed before recording the outcome.
    await pool.query(`UPDATE outbox_messages SET attempts = 1, locked_until = now() + interval '1 minute' WHERE key = $1`, [key]);
    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 0, dead: 0 });

    await pool.query(`UPDATE outbox_messages SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    expect(await deliverAllDue(pool)).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(await rowOf(key)).toMatchObject({ attempts: 2, delivered: true });
  });
});

describe("the relay", () => {
  it("delivers as soon as the transaction that wrote the message commits", async () => {
    // Polling once a minute: only the commit's notification can deliver within the wait below.
    const relay = await startOutboxRelay({ databaseUrl: process.env.DATABASE_URL as string, pool, pollMs: 60_000 });
    try {
      const key = `test:${randomUUID()}`;
      await withTransaction(pool, (db) => enqueue(db, [email(key)]));
      await expect.poll(async () => (await rowOf(key))?.delivered, { timeout: 5_000 }).toBe(true);
      expect(sent.filter((message) => message.subject === `About ${key}`)).toHaveLength(1);
    } finally {
      await relay.close();
    }
  });
});
