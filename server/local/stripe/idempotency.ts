import type { Clock } from "./clock";

export interface SavedResponse {
  status: number;
  body: string;
}

interface Entry {
  /** Method, path and parameters of the first request made with the key. */
  request: string;
  response: SavedResponse;
  savedAt: number;
}

export type IdempotencyLookup =
  | { kind: "new" }
  | { kind: "replay"; response: SavedResponse }
  | { kind: "conflict" };

// Stripe keeps keys for at least 24 hours; older keys only cost memory. Counted on the emulator's clock.
const KEY_LIFETIME_SECONDS = 24 * 60 * 60;

/** Saved results of POST requests per (API key, account, Idempotency-Key), replayed like Stripe replays them. */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  lookup(scope: string, request: string): IdempotencyLookup {
    const entry = this.entries.get(scope);
    if (!entry || this.clock.now() - entry.savedAt > KEY_LIFETIME_SECONDS) return { kind: "new" };
    return entry.request === request ? { kind: "replay", response: entry.response } : { kind: "conflict" };
  }

  save(scope: string, request: string, response: SavedResponse): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (now - entry.savedAt <= KEY_LIFETIME_SECONDS) break;
      this.entries.delete(key);
    }
    this.entries.delete(scope);
    this.entries.set(scope, { request, response, savedAt: now });
  }

  clear(): void {
    this.entries.clear();
  }
}
