import "server-only";
import { z } from "zod";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { assertTransition, orderActorsFor } from "@/server/domain/store-orders";
import { announceOrderChange } from "./notifications";
import { type OrderView, type Viewer, orderFor } from "./order-views";
import { lockOrder, recordOrderEvent, setStatus } from "./orders";

/** Fulfilment of a physical order: the seller (or an admin, for a site item) ships it and marks it delivered. */

export const changeOrderStatusSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(["SHIPPED", "DELIVERED"]),
  note: z.string().trim().max(500, "A note is at most 500 characters.").optional(),
});
export type ChangeOrderStatusInput = z.input<typeof changeOrderStatusSchema>;

/** The seller (or an admin, for a site item) ships or delivers a physical order; the buyer is told by email. */
export async function changeOrderStatus(viewer: Viewer, input: ChangeOrderStatusInput): Promise<OrderView> {
  const { orderId, status, note } = changeOrderStatusSchema.parse(input);
  await withTransaction(pool, async (db) => {
    const order = await lockOrder(db, orderId);
    const actors = order ? orderActorsFor(viewer, order) : [];
    if (!order || actors.length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
    assertTransition(order.status, status, order.kind, actors);
    await setStatus(db, order.id, status, { trackingNote: status === "SHIPPED" ? note || null : null });
    await recordOrderEvent(db, order.id, status, viewer.id, note || null);
    await announceOrderChange(db, { orderId: order.id, event: status === "SHIPPED" ? "shipped" : "delivered" });
  });
  return orderFor(viewer, orderId);
}
