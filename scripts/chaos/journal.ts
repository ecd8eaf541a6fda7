import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * The chaos run's journal: what each app process asked of the app and what it heard back, one JSON line per
 * record. A `begin` is written before the call and an outcome after it returns. write(2) hands the line to the
 * kernel before the call starts, so a SIGKILL of the process cannot lose it (the machine itself does not crash
 * in this run, so no fsync is needed).
 */

export type OpKind =
  | "tip"
  | "transfer"
  | "unlock"
  | "purchase"
  | "store-order"
  | "withdrawal"
  | "payout"
  | "show-request"
  | "show-accept"
  | "show-tick"
  | "show-end";

export interface OpRequest {
  kind: OpKind;
  /** Who makes the call (a member, a performer, the admin). */
  actor: string;
  /** The client's idempotency key (a UUID), or the id the call acts on when it takes none. */
  key: string;
  params: Record<string, string>;
}

export type JournalRecord =
  | ({ t: "begin"; op: string; retryOf?: string } & OpRequest)
  /** Acknowledged: the call returned. */
  | { t: "ack"; op: string; result: Record<string, string> }
  /** Acknowledged refusal: the call returned a domain error, so it must have changed nothing. */
  | { t: "refused"; op: string; code: string; message: string }
  /** Not acknowledged: the connection broke, the server answered 500, or the database was away. */
  | { t: "failed"; op: string; error: string };

export class JournalWriter {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = openSync(file, "a");
  }

  write(record: JournalRecord): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function journalFile(dir: string, slot: number): string {
  return path.join(dir, `app-${slot}.jsonl`);
}

/** Every record of one journal file; a line cut short by a kill (never seen with write(2), but cheap) is skipped. */
export function readJournal(file: string): JournalRecord[] {
  if (!existsSync(file)) return [];
  const records: JournalRecord[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // a torn last line
    }
  }
  return records;
}

export function readAllJournals(dir: string): JournalRecord[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith("app-") && name.endsWith(".jsonl"))
    .flatMap((name) => readJournal(path.join(dir, name)));
}

/** One operation as the books must show it: every attempt under one key, and what the client heard. */
export interface OpHistory {
  request: OpRequest;
  attempts: number;
  acked: Record<string, string> | null;
  refused: string | null;
}

export function opHistories(records: readonly JournalRecord[]): OpHistory[] {
  const byOp = new Map<string, OpHistory>();
  const byKey = new Map<string, OpHistory>();
  for (const record of records) {
    if (record.t === "begin") {
      const groupKey = `${record.kind}|${record.actor}|${record.key}`;
      let history = byKey.get(groupKey);
      if (!history) {
        history = { request: { kind: record.kind, actor: record.actor, key: record.key, params: record.params }, attempts: 0, acked: null, refused: null };
        byKey.set(groupKey, history);
      }
      history.attempts += 1;
      byOp.set(record.op, history);
      continue;
    }
    const history = byOp.get(record.op);
    if (!history) continue;
    if (record.t === "ack") history.acked = record.result;
    if (record.t === "refused") history.refused = record.code;
  }
  return [...byKey.values()];
}

/** Attempts begun and never answered, for a restarted process to retry as a client would. */
export function unansweredBegins(records: readonly JournalRecord[]): Array<Extract<JournalRecord, { t: "begin" }>> {
  const open = new Map<string, Extract<JournalRecord, { t: "begin" }>>();
  for (const record of records) {
    if (record.t === "begin") open.set(record.op, record);
    else open.delete(record.op);
  }
  return [...open.values()];
}
