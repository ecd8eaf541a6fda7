import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "@/server/domain/outbox";
import type { OutgoingEmail } from "@/server/integrations/email";
import { callerAs } from "@/server/testing/api";
import { fundUser, insertUser } from "@/server/testing/factories";
import { makeAdmin } from "@/server/testing/users";
import { enqueue } from "./messages";
import { deliverAllDue, deliverDue, startOutboxRelay } from "./relay";

const sent = vi.hoisted(() => [] as OutgoingEmail[]);
const failNextSends = vi.hoisted(() => ({ count: 0 }));
/** Subjects whose sending always fails. */
const refusedSubjects = vi.hoisted(() => new Set<string>());
/** Subjects whose sending hangs until `until`, then dies with its process: `reached` says it began. */
const hangingSubjects = vi.hoisted(() => new Map<string, { reached: () => void; until: Promise<void> }>());
vi.mock("@/server/integrations/email", () => ({
  sendEmail: vi.fn(async (message: OutgoingEmail) => {
    const hanging = hangingSubjects.get(message.subject);
    if (hanging) {
      hanging.reached();
      await hanging.until;
      throw new Error("the relay was killed");
    }
    if (refusedSubjects.has(message.subject)) throw new Error("SMTP 550: mailbox unavailable");
    if (failNextSends.count > 0) {
      failNextSends.count -= 1;
      throw new Error("SMTP 451: try again later");
    }
    sent.push(message);
  }),
}));
const trigger = vi.hoisted(() => vi.fn<(channels: string[], event: string, data: unknown) => Promise<object>>(async () => ({})));
const triggerBatch = vi.hoisted(() => vi.fn<(events: Array<{ channel: string; name: string; data: unknown }>) => Promise<object>>(async () => ({})));
vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: { triggerBatch, trigger },
}));

/** Every realtime event published, in order. */
const published = () => triggerBatch.mock.calls.flatMap(([events]) => events);

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
  refusedSubjects.clear();
  hangingSubjects.clear();
  triggerBatch.mockReset();
  trigger.mockReset();
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
    expect(triggerBatch.mock.calls).toEqual([
      [
        [
          { channel: "private-admins", name: "order.updated", data: { id: "o1", status: "PAID" } },
          { channel: `private-user-${userId}`, name: "wallet.updated", data: { available: "0", earnings: "0", pending: "0", held: "0", restricted: false, wallets: {} } },
        ],
      ],
    ]);
    expect(await rowOf(key)).toMatchObject({ attempts: 1, delivered: true, last_error: null });
  });

  it("publishes a user's wallet state once per batch, in the place of the first message that asked, delivering them all", async () => {
    const key = `test:${randomUUID()}`;
    const [tipped, other] = [await insertUser(pool, "PERFORMER"), await insertUser(pool)];
    await fundUser(pool, tipped, 40n);
    const walletUpdate = (n: number, userId: string) => ({ key: `${key}:wallet:${n}`, kind: "wallet-update" as const, userId });
    await withTransaction(pool, (db) =>
      enqueue(db, [
        walletUpdate(1, tipped),
        { key: `${key}:event`, kind: "realtime", channels: [`private-user-${tipped}`], event: "order.updated", data: { id: "o1", status: "PAID" } },
        walletUpdate(2, tipped),
        walletUpdate(3, other),
        walletUpdate(4, tipped),
      ]),
    );

    expect(await deliverAllDue(pool)).toEqual({ delivered: 5, failed: 0, dead: 0 });
    const walletOf = (userId: string) => expect.objectContaining({ channel: `private-user-${userId}`, name: "wallet.updated" });
    expect(published()).toEqual([
      walletOf(tipped),
      { channel: `private-user-${tipped}`, name: "order.updated", data: { id: "o1", status: "PAID" } },
      walletOf(other),
    ]);
    expect(published()[0]?.data).toMatchObject({ available: "40" });
    for (const n of [1, 2, 3, 4]) expect(await rowOf(`${key}:wallet:${n}`)).toMatchObject({ delivered: true });
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

  it("delivers the rest of a batch when one message fails, and backs off only that one", async () => {
    const keys = Array.from({ length: 6 }, () => `test:${randomUUID()}`);
    const failing = keys[2]!;
    refusedSubjects.add(`About ${failing}`);
    await withTransaction(pool, (db) =>
      enqueue(db, [...keys.map(email), { key: `${keys[0]}:event`, kind: "realtime", channels: ["private-admins"], event: "order.updated", data: { id: "o2" } }]),
    );

    expect(await deliverAllDue(pool)).toEqual({ delivered: 6, failed: 1, dead: 0 });
    expect(await rowOf(failing)).toMatchObject({ attempts: 1, delivered: false, dead: false, last_error: "SMTP 550: mailbox unavailable", wait_seconds: retryDelaySeconds(1) });
    for (const key of keys.filter((key) => key !== failing)) expect(await rowOf(key)).toMatchObject({ attempts: 1, delivered: true, last_error: null });
    expect(await rowOf(`${keys[0]}:event`)).toMatchObject({ delivered: true });
    expect(sent.map((message) => message.subject).sort()).toEqual(keys.filter((key) => key !== failing).map((key) => `About ${key}`).sort());
  });

  it("publishes realtime events in Pusher batches of at most 10, in the order they were written", async () => {
    const events = Array.from({ length: 23 }, (_, index) => ({
      key: `test:${randomUUID()}`,
      kind: "realtime" as const,
      channels: ["private-admins"],
      event: "order.updated",
      data: { n: String(index) },
    }));
    await withTransaction(pool, (db) => enqueue(db, events));

    expect(await deliverAllDue(pool)).toEqual({ delivered: 23, failed: 0, dead: 0 });
    expect(triggerBatch.mock.calls.map(([batch]) => batch.length)).toEqual([10, 10, 3]);
    expect(published().map((event) => (event.data as { n: string }).n)).toEqual(events.map((event) => event.data.n));
  });

  it("sends an event for several channels as one call, in its place among the batches", async () => {
    const single = (n: string) => ({ key: `test:${randomUUID()}`, kind: "realtime" as const, channels: ["private-admins"], event: "order.updated", data: { n } });
    const shared = { key: `test:${randomUUID()}`, kind: "realtime" as const, channels: ["private-user-a", "private-admins"], event: "order.updated", data: { n: "2" } };
    await withTransaction(pool, (db) => enqueue(db, [single("1"), shared, single("3")]));
    const order: string[] = [];
    triggerBatch.mockImplementation(async (events) => (order.push(...events.map((event) => `batch ${(event.data as { n: string }).n}`)), {}));
    trigger.mockImplementation(async (channels, _event, data) => (order.push(`${channels.join("+")} ${(data as { n: string }).n}`), {}));

    expect(await deliverAllDue(pool)).toEqual({ delivered: 3, failed: 0, dead: 0 });
    expect(order).toEqual(["batch 1", "private-user-a+private-admins 2", "batch 3"]);
  });

  it("backs off the messages of a Pusher batch that failed, and delivers those of the other batches", async () => {
    const events = Array.from({ length: 12 }, () => ({
      key: `test:${randomUUID()}`,
      kind: "realtime" as const,
      channels: ["private-admins"],
      event: "order.updated",
      data: {},
    }));
    await withTransaction(pool, (db) => enqueue(db, events));
    triggerBatch.mockRejectedValueOnce(new Error("Pusher 503"));

    expect(await deliverAllDue(pool)).toEqual({ delivered: 2, failed: 10, dead: 0 });
    for (const event of events.slice(0, 10)) expect(await rowOf(event.key)).toMatchObject({ delivered: false, last_error: "Pusher 503", wait_seconds: retryDelaySeconds(1) });
    for (const event of events.slice(10)) expect(await rowOf(event.key)).toMatchObject({ delivered: true });
  });

  it("delivers each message once when several relays work at the same time", async () => {
    const keys = Array.from({ length: 60 }, () => `test:${randomUUID()}`);
    await withTransaction(pool, (db) =>
      enqueue(db, keys.flatMap((key) => [email(key), { key: `${key}:event`, kind: "realtime" as const, channels: ["private-admins"], event: "order.updated", data: { key } }])),
    );

    const reports = await Promise.all([deliverDue(pool, 7), deliverDue(pool, 7), deliverDue(pool, 7), deliverAllDue(pool), deliverAllDue(pool)]);

    expect(reports.reduce((sum, report) => sum + report.delivered, 0)).toBe(2 * keys.length);
    expect(sent.map((message) => message.subject).sort()).toEqual(keys.map((key) => `About ${key}`).sort());
    expect(published().map((event) => (event.data as { key: string }).key).sort()).toEqual([...keys].sort());
  });

  it("lets another relay deliver at once what a killed relay had claimed, and never while the claimer lives", async () => {
    const key = `test:${randomUUID()}`;
    let reached!: () => void;
    const sending = new Promise<void>((resolve) => (reached = resolve));
    let die!: () => void;
    hangingSubjects.set(`About ${key}`, { reached, until: new Promise<void>((resolve) => (die = resolve)) });
    await withTransaction(pool, (db) => enqueue(db, [email(key)]));

    const doomedPool = new pg.Pool({ connectionString: process.env.DATABASE_URL, application_name: "test-doomed-relay" });
    doomedPool.on("error", () => {});
    const doomedPass = deliverDue(doomedPool);
    await sending;
    // Claimed and being sent: the other relay leaves it alone.
    expect(await deliverAllDue(pool)).toEqual({ delivered: 0, failed: 0, dead: 0 });

    // The claimer's process dies: its session ends (here ended by the server, as when its socket closes).
    hangingSubjects.delete(`About ${key}`);
    await pool.query(`SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = 'test-doomed-relay'`);
    expect(await deliverAllDue(pool)).toEqual({ delivered: 1, failed: 0, dead: 0 });
    // The killed attempt was never recorded: the claim and its count went with the session.
    expect(await rowOf(key)).toMatchObject({ attempts: 1, delivered: true });
    expect(sent.filter((message) => message.subject === `About ${key}`)).toHaveLength(1);

    die();
    await expect(doomedPass).rejects.toThrow();
    await doomedPool.end();
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
