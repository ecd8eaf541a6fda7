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

// Stripe keeps keys for at least 24 hours; a local run rarely lasts longer, and older keys only cost memory.
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Saved results of POST requests per (API key, account, Idempotency-Key), replayed like Stripe replays them. */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  lookup(scope: string, request: string): IdempotencyLookup {
    const entry = this.entries.get(scope);
    if (!entry || Date.now() - entry.savedAt > KEY_LIFETIME_MS) return { kind: "new" };
    return entry.request === request ? { kind: "replay", response: entry.response } : { kind: "conflict" };
  }

  save(scope: string, request: string, response: SavedResponse): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (now - entry.savedAt <= KEY_LIFETIME_MS) break;
      this.entries.delete(key);
    }
    this.entries.delete(scope);
    this.entries.set(scope, { request, response, savedAt: now });
  }

  clear(): void {
    this.entries.clear();
  }
}
