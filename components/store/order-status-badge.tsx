import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { StoreOrderStatus } from "@/server/generated/prisma/enums";

const STATUSES: Record<StoreOrderStatus, { label: string; tone: BadgeTone }> = {
  AWAITING_PAYMENT: { label: "Awaiting card payment", tone: "warning" },
  PAID: { label: "Paid", tone: "info" },
  SHIPPED: { label: "Shipped", tone: "violet" },
  DELIVERED: { label: "Delivered", tone: "success" },
  REFUNDED: { label: "Refunded", tone: "neutral" },
  CANCELLED: { label: "Cancelled", tone: "danger" },
};

export const ORDER_STATUSES = Object.keys(STATUSES) as StoreOrderStatus[];

export function orderStatusLabel(status: StoreOrderStatus): string {
  return STATUSES[status].label;
}

export function OrderStatusBadge({ status }: { status: StoreOrderStatus }) {
  return <Badge tone={STATUSES[status].tone}>{STATUSES[status].label}</Badge>;
}
