import type { SaleKind } from "@/server/generated/prisma/enums";

/** What each kind of sale is called across the site, in the order pages list them. */
export const SALE_KIND_LABELS: Record<SaleKind, string> = {
  TIP: "Tips",
  PRIVATE_SHOW: "Private shows",
  GROUP_SHOW: "Group shows",
  CONTENT: "Content",
  MEMBERSHIP: "Memberships",
  STORE: "Store",
  PAYMENT_REQUEST_SERVICE: "Payment requests: services",
  PAYMENT_REQUEST_GOODS: "Payment requests: goods",
};

export const SALE_KINDS = Object.keys(SALE_KIND_LABELS) as SaleKind[];
