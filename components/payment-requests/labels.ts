import type { BadgeTone } from "@/components/ui/badge";
import type { PaymentRequestStatus } from "@/server/generated/prisma/enums";

export { PAYMENT_REQUEST_TYPE_LABELS } from "@/server/domain/payment-requests";

export const STATUS_LABELS: Record<PaymentRequestStatus, { label: string; tone: BadgeTone }> = {
  PENDING: { label: "Waiting for payment", tone: "warning" },
  PAID: { label: "Paid", tone: "success" },
  DECLINED: { label: "Declined", tone: "danger" },
  EXPIRED: { label: "Expired", tone: "neutral" },
};

export const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "short" });
export const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
