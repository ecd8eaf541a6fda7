import { randomUUID } from "node:crypto";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { JOBS_SCHEMA } from "./boss";
import { defineJob, type JobData, type JobDefinition, type JobName, jobs } from "./registry";
import { startWorker } from "./worker";

const databaseUrl = process.env.DATABASE_URL as string;
const registeredJobs: readonly JobDefinition[] = jobs;
let inspector: PgBoss;

beforeAll(async () => {
  inspector = new PgBoss({ connectionString: databaseUrl, schema: JOBS_SCHEMA, supervise: false, schedule: false });
  inspector.on("error", (error) => console.error(error));
});

afterAll(async () => {
  await inspector.stop({ graceful: false });
});

function echoJob(received: { value: number }[], onReceived: () => void) {
  return defineJob({
    name: "test-echo",
    handler: async (batch: PgBoss.Job<{ value: number }>[]) => {
      received.push(...batch.map((job) => job.data));
      onReceived();
    },
    queue: { retryLimit: 0 },
    work: { pollingIntervalSeconds: 0.5 },
  });
}

const tickJob = defineJob({ name: "test-tick", handler: async () => {}, schedule: { cron: "*/5 * * * *" } });

it("creates queues, works jobs sent to them and keeps cron schedules in step with the registry", async () => {
  const received: { value: number }[] = [];
  let jobDone!: () => void;
  const done = new Promise<void>((resolve) => (jobDone = resolve));

  const worker = await startWorker({ databaseUrl, jobs: [echoJob(received, () => jobDone()), tickJob] });
  await inspector.start();
  try {
    const queueNames = (await inspector.getQueues()).map((queue) => queue.name);
    // pg-boss adds internal queues (__pgboss__*) of its own.
    expect(queueNames.filter((name) => !name.startsWith("__pgboss__")).sort()).toEqual(["test-echo", "test-tick"]);
    expect((await inspector.getQueue("test-echo"))?.retryLimit).toBe(0);
    expect((await inspector.getSchedules()).map((schedule) => [schedule.name, schedule.cron])).toEqual([
      ["test-tick", "*/5 * * * *"],
    ]);

    await inspector.send("test-echo", { value: 42 });
    await done;
    expect(received).toEqual([{ value: 42 }]);
  } finally {
    await worker.close();
  }

  // A schedule dropped from the registry stops firing at the next worker start.
  const restarted = await startWorker({ databaseUrl, jobs: [echoJob([], () => {})] });
  try {
    expect(await inspector.getSchedules()).toEqual([]);
  } finally {
    await restarted.close();
  }
});

it("creates a queue for every job of the app's registry", async () => {
  const worker = await startWorker({ databaseUrl });
  try {
    const queueNames = (await inspector.getQueues()).map((queue) => queue.name);
    expect(queueNames).toEqual(expect.arrayContaining(registeredJobs.map((job) => job.name)));
  } finally {
    await worker.close();
  }
});

it("enqueueJob sends through the app's lazily started sender", async () => {
  const received: { value: number }[] = [];
  let jobDone!: () => void;
  const done = new Promise<void>((resolve) => (jobDone = resolve));
  const worker = await startWorker({ databaseUrl, jobs: [echoJob(received, () => jobDone())] });
  try {
    const { enqueueJob } = await import("./enqueue");
    // The registry's names type real callers; this test's queue is deliberately not in the registry.
    const id = await enqueueJob("test-echo" as JobName, { value: 7 } as JobData<JobName>);
    expect(id).toEqual(expect.any(String));
    await done;
    expect(received).toEqual([{ value: 7 }]);
  } finally {
    await worker.close();
  }
});

it("sends a job marked startOnBoot once when the worker starts, so a self-rescheduling chain needs no cron tick", async () => {
  const received: { value: number }[] = [];
  let jobDone!: () => void;
  const done = new Promise<void>((resolve) => (jobDone = resolve));
  const chain = { ...echoJob(received, () => jobDone()), name: "test-boot", startOnBoot: { data: { value: 1 } } };
  const worker = await startWorker({ databaseUrl, jobs: [chain] });
  try {
    await done;
    expect(received).toEqual([{ value: 1 }]);
  } finally {
    await worker.close();
  }
});

it("starts every worker when several start at once on a database pg-boss has never seen", async () => {
  // A database of its own: pg-boss's schema must not exist yet, and the other tests' must stay as it is.
  const name = `boss_start_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const freshUrl = new URL(databaseUrl);
  freshUrl.pathname = `/${name}`;
  try {
    const started = await Promise.allSettled([0, 1, 2, 3].map(() => startWorker({ databaseUrl: freshUrl.toString() })));
    await Promise.all(started.map((result) => (result.status === "fulfilled" ? result.value.close() : undefined)));
    expect(started.map((result) => (result.status === "rejected" ? String(result.reason) : "started"))).toEqual(["started", "started", "started", "started"]);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});
