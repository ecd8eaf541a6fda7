/**
 * Delivery rules of the outbox: how long a failed message waits before its next try, and when it stops and
 * becomes a dead letter for an admin to look at.
 */

/** After this many failed deliveries a message is dead: it stops retrying and shows in the admin's list. */
export const MAX_DELIVERY_ATTEMPTS = 8;

const FIRST_RETRY_SECONDS = 5;
const LONGEST_WAIT_SECONDS = 60 * 60;

/** Seconds to wait after the `attempts`-th failed delivery: 5 s, doubling, at most an hour. */
export function retryDelaySeconds(attempts: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a whole number from 1, got ${attempts}`);
  return Math.min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS);
}

export type FailedDelivery = { outcome: "retry"; afterSeconds: number } | { outcome: "dead" };

/** What happens to a message whose delivery failed for the `attempts`-th time. */
export function afterFailedDelivery(attempts: number): FailedDelivery {
  return attempts >= MAX_DELIVERY_ATTEMPTS ? { outcome: "dead" } : { outcome: "retry", afterSeconds: retryDelaySeconds(attempts) };
}

/**
 * An email's Message-ID from its outbox key: the same key always gives the same id, so a mail server or client
 * that sees a redelivery knows it for the same message.
 */
export function messageIdFor(key: string, domain: string): string {
  const local = key.replace(/[^A-Za-z0-9.!#$%&'*+/?^_`{|}~-]/g, (char) => `=${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `<${local}@${domain}>`;
}
