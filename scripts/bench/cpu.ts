import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";

/**
 * CPU milliseconds of the PostgreSQL server: every process whose parent is the postmaster (backends, WAL writer,
 * checkpointer...), plus the postmaster, from /proc; null where /proc cannot tell (not Linux, another host).
 */
export async function serverCpuMs(pool: pg.Pool): Promise<number | null> {
  try {
    const { rows } = await pool.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    const postmaster = Number((await readFile(path.join(rows[0]?.dir ?? "", "postmaster.pid"), "utf8")).split("\n")[0]);
    let ticks = 0;
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
      if (!stat) continue;
      // Fields after the parenthesised command: state ppid ... utime(14) stime(15), counted from field 1.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      if (Number(entry) !== postmaster && ppid !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * (1000 / 100);
  } catch {
    return null;
  }
}

/** CPU milliseconds this process has used so far. */
export function appCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
