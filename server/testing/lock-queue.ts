import type { Pool } from "pg";

/**
 * Runs `first`, then `second`, each only once the one before waits for a lock, while a session of its own holds
 * the row lock `lockRows` takes (a SELECT ... FOR UPDATE), and lets them go when both wait: the two then race from
 * a known order, `first` at the head of the queue for the rows. What each did before it waited (a row it inserted,
 * uncommitted) stays, so this recreates the interleaving in which two paths that lock in different orders deadlock.
 * Both outcomes are returned, settled.
 */
export async function raceQueuedBehindRowLock<First, Second>(
  pool: Pool,
  lockRows: { text: string; values: unknown[] },
  first: () => Promise<First>,
  second: () => Promise<Second>,
): Promise<[PromiseSettledResult<First>, PromiseSettledResult<Second>]> {
  const holder = await pool.connect();
  try {
    await holder.query("BEGIN");
    const locked = await holder.query(lockRows);
    if (locked.rowCount === 0) throw new Error("the lock statement locked no row");
    const started: Array<{ settled: boolean }> = [];
    const start = async <T>(run: () => Promise<T>): Promise<{ outcome: Promise<PromiseSettledResult<T>> }> => {
      const entry = { settled: false, outcome: settle(run()) };
      void entry.outcome.then(() => (entry.settled = true));
      started.push(entry);
      // Polls the server's own view of who waits; the test's timeout bounds it. The holder's transaction would see
      // one snapshot of the activity view throughout, so each poll clears it first.
      for (;;) {
        await holder.query("SELECT pg_stat_clear_snapshot()");
        const { rows } = await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (rows[0]!.n >= started.length) return { outcome: entry.outcome };
        if (started.some((each) => each.settled)) throw new Error("a racer finished before it waited for the held rows");
      }
    };
    const firstRacer = await start(first);
    const secondRacer = await start(second);
    await holder.query("COMMIT");
    return [await firstRacer.outcome, await secondRacer.outcome];
  } finally {
    // Closed rather than returned to the pool: a failure above may leave its transaction, and the lock, open.
    holder.release(true);
  }
}

const settle = <T>(work: Promise<T>): Promise<PromiseSettledResult<T>> =>
  work.then(
    (value): PromiseFulfilledResult<T> => ({ status: "fulfilled", value }),
    (reason: unknown): PromiseRejectedResult => ({ status: "rejected", reason }),
  );
