import type { Clock } from "./clock";
import type { EventBus, RequestOrigin } from "./events";
import type { Store } from "./store";

/** What the operations share: state, the event bus, where the emulator is reachable, and its timers. */
export interface Context {
  store: Store;
  events: EventBus;
  /** The emulator's time (real time plus what tests advanced it by); every timestamp and expiry reads it. */
  clock: Clock;
  /** The emulator's own origin, for pay page and onboarding URLs. */
  baseUrl: string;
  /** How long a bank debit ("Pay (delayed)") stays processing before it settles. */
  asyncPaymentDelayMs: number;
  /** Runs work later on a timer the emulator cancels on reset and close. */
  schedule(delayMs: number, task: () => void): void;
}

/** Who is acting: the API request (for `event.request`) and the Stripe-Account it names, if any. */
export interface Caller {
  origin: RequestOrigin | null;
  account: string | null;
}

export const CUSTOMER: Caller = { origin: null, account: null };
