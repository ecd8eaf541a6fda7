import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { Mock } from "vitest";
import { enqueue } from "@/server/outbox/messages";

type Trigger = Mock<(channels: string | string[], event: string, data?: unknown) => Promise<object>>;

/**
 * Makes the next relay pass die mid-batch, as a crash would: a message written now, ahead of the ones written
 * after it, whose publication kills the relay's session (the claim's row locks go with it) and fails the pass, so
 * nothing after it in the batch is published. Returns what puts the trigger back to publishing normally.
 */
export async function crashNextRelayPass(pool: Pool, trigger: Trigger): Promise<() => void> {
  await enqueue(pool, [{ key: `test:${randomUUID()}`, kind: "realtime", channels: ["private-crash"], event: "crash.now", data: {} }]);
  let crashed = false;
  trigger.mockImplementation(async (_channels, event) => {
    if (event === "crash.now" && !crashed) {
      crashed = true;
      // With a timeout the call returns once the backend has exited, so its row locks are gone before the next relay claims.
      await pool.query("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()");
      throw new Error("the relay died");
    }
    return {};
  });
  return () => trigger.mockImplementation(async () => ({}));
}
