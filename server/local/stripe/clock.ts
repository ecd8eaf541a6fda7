/**
 * The emulator's clock: real time plus an offset that tests move forward (`POST /_emulator/clock/advance`), so
 * what Stripe does days later (an uncaptured authorisation expiring after 7 days, a Checkout Session after 24
 * hours) can be tested without waiting. Every `created` time and every expiry check reads it. Webhook
 * signatures do not: receivers check their timestamp against their own real clock.
 */
export class Clock {
  private offsetSeconds = 0;

  /** Unix seconds, as Stripe's timestamps. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  get offset(): number {
    return this.offsetSeconds;
  }

  advance(seconds: number): void {
    this.offsetSeconds += seconds;
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}
