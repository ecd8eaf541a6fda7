import { z } from "zod";
import type { PaymentRequestStatus, PaymentRequestType, SaleKind } from "@/server/generated/prisma/enums";
import { shippingAddressSchema } from "./store";

/**
 * Payment requests in chat: a performer asks a member in their room to pay for an online service or physical
 * goods. The rules here are pure; server/services/payment-requests applies them under a row lock.
 *
 * pending ──pay──▶ paid        (by the member, from a wallet or by card, before it expires)
 *    │ ──decline─▶ declined    (by the member)
 *    └ ──expire──▶ expired     (the clock: the admin's expiry after it was sent)
 * Paid, declined and expired are final. A paid service is then started and finished by the performer; paid goods
 * get the member's shipping address.
 */

export const PAYMENT_REQUEST_TYPES = ["SERVICE", "GOODS"] as const satisfies readonly PaymentRequestType[];
export const MAX_PAYMENT_REQUEST = 100_000n;
export const MAX_PAYMENT_REQUEST_DESCRIPTION = 280;

export const PAYMENT_REQUEST_TYPE_LABELS: Record<PaymentRequestType, string> = { SERVICE: "Online service", GOODS: "Physical goods" };

export const sendPaymentRequestSchema = z.object({
  memberId: z.uuid("Choose who in your room pays."),
  type: z.enum(PAYMENT_REQUEST_TYPES, "Choose an online service or physical goods."),
  description: z
    .string()
    .trim()
    .min(1, "Describe what the payment is for.")
    .max(MAX_PAYMENT_REQUEST_DESCRIPTION, `A description is at most ${MAX_PAYMENT_REQUEST_DESCRIPTION} characters.`),
  amount: z
    .bigint("Enter a whole number of credits.")
    .min(1n, "A request is for at least 1 credit.")
    .max(MAX_PAYMENT_REQUEST, `A request is for at most ${MAX_PAYMENT_REQUEST.toLocaleString("en")} credits.`),
  idempotencyKey: z.uuid(),
});
export type SendPaymentRequestInput = z.input<typeof sendPaymentRequestSchema>;

export const paymentRequestIdSchema = z.object({ requestId: z.uuid() });

export const shippingForRequestSchema = paymentRequestIdSchema.extend({ address: shippingAddressSchema });

/** Each type of request is its own kind of sale, with its own commission rate (defaults: 10% and 4% platform fee). */
export function saleKindFor(type: PaymentRequestType): SaleKind {
  return type === "SERVICE" ? "PAYMENT_REQUEST_SERVICE" : "PAYMENT_REQUEST_GOODS";
}

/** The performer's default share per type, in basis points, before an admin sets another. */
export const DEFAULT_PAYMENT_REQUEST_SHARE_BPS: Record<PaymentRequestType, number> = { SERVICE: 9_000, GOODS: 9_600 };

export type PaymentRequestAction = "pay" | "decline" | "expire";

const TARGET: Record<PaymentRequestAction, PaymentRequestStatus> = { pay: "PAID", decline: "DECLINED", expire: "EXPIRED" };

/** The status a request is in at `now`: a pending one past its expiry is expired, whether or not the sweep marked it. */
export function currentStatus(request: { status: PaymentRequestStatus; expiresAt: Date }, now: Date): PaymentRequestStatus {
  return request.status === "PENDING" && request.expiresAt.getTime() <= now.getTime() ? "EXPIRED" : request.status;
}

/** Whether `from` may become `to`: only a pending request moves, and only to a final status. */
export function canMove(from: PaymentRequestStatus, to: PaymentRequestStatus): boolean {
  return from === "PENDING" && to !== "PENDING";
}

/** Why `action` can't be done to a request in `status` (as it is now), in words for the member; null when it can. */
export function refusalFor(action: PaymentRequestAction, status: PaymentRequestStatus): string | null {
  if (canMove(status, TARGET[action])) return null;
  switch (status) {
    case "PAID":
      return "This request is already paid.";
    case "DECLINED":
      return "This request was declined, so it can't be paid or declined again.";
    case "EXPIRED":
      return "This request has expired. Ask the performer to send a new one.";
    case "PENDING":
      return null;
  }
}

/** What paying `amount` credits by card costs at the site's credit price, in minor units. */
export function cardAmountFor(amount: bigint, creditPriceMinor: bigint): bigint {
  return amount * creditPriceMinor;
}

export type ServiceStep = "start" | "finish";

/** Why the performer can't record `step` of a request now; null when they can. Times are recorded once each. */
export function serviceStepRefusal(
  request: { type: PaymentRequestType; status: PaymentRequestStatus; serviceStartedAt: Date | null; serviceFinishedAt: Date | null },
  step: ServiceStep,
): string | null {
  if (request.type !== "SERVICE") return "Only an online service has a start and a finish.";
  if (request.status !== "PAID") return "A service starts once its request is paid.";
  if (step === "start") return request.serviceStartedAt ? "This service has already started." : null;
  if (!request.serviceStartedAt) return "Start the service before finishing it.";
  return request.serviceFinishedAt ? "This service has already finished." : null;
}

/** Why the member can't give a shipping address for a request now; null when they can (and may correct it later). */
export function shippingRefusal(request: { type: PaymentRequestType; status: PaymentRequestStatus }): string | null {
  if (request.type !== "GOODS") return "Only physical goods are shipped.";
  if (request.status !== "PAID") return "Give a shipping address once the request is paid.";
  return null;
}
