import "server-only";
import { z } from "zod";
import { adminProcedure, claimedProcedure, createTRPCRouter, memberProcedure, performerProcedure, publicProcedure } from "@/server/api/trpc";
import { adminOrderFilterSchema, cancelOrder, catalogue, catalogueItem, changeOrderStatus, changeOrderStatusSchema, itemOwnerFor, managedItems, orderFor, ordersForAdmin, ordersOfBuyer, ordersOfSeller, paymentTerms, placeOrderAsSession, placeOrderSchema, refundOrder, refundOrderSchema, resumeCheckout, saveItem, saveItemSchema } from "@/server/services/store";

const orderId = z.object({ orderId: z.uuid() });

export const storeRouter = createTRPCRouter({
  catalogue: publicProcedure.query(() => catalogue()),

  item: publicProcedure.input(z.object({ itemId: z.uuid() })).query(({ input }) => catalogueItem(input.itemId)),

  /** How an order may be split between wallet and card, for the buy form. */
  paymentTerms: publicProcedure.query(() => paymentTerms()),

  /** Any signed-in member; an order paid from the wallet checks the session in its own statement (placeOrderAsSession). */
  buy: claimedProcedure.input(placeOrderSchema).mutation(({ ctx, input }) => placeOrderAsSession(ctx.claim, input)),

  resumeCheckout: memberProcedure.input(orderId).mutation(({ ctx, input }) => resumeCheckout(ctx.user.id, input.orderId)),

  cancel: memberProcedure.input(orderId).mutation(({ ctx, input }) => cancelOrder(ctx.user, input.orderId)),

  myOrders: memberProcedure.query(({ ctx }) => ordersOfBuyer(ctx.user)),

  /** The buyer's, the seller's or an admin's view of one order. */
  order: memberProcedure.input(orderId).query(({ ctx, input }) => orderFor(ctx.user, input.orderId)),

  changeStatus: memberProcedure.input(changeOrderStatusSchema).mutation(({ ctx, input }) => changeOrderStatus(ctx.user, input)),

  refund: memberProcedure.input(refundOrderSchema).mutation(({ ctx, input }) => refundOrder(ctx.user, input)),

  myItems: performerProcedure.query(({ ctx }) => managedItems(itemOwnerFor(ctx.user))),

  saveMyItem: performerProcedure.input(saveItemSchema).mutation(({ ctx, input }) => saveItem(itemOwnerFor(ctx.user), input)),

  sellerOrders: performerProcedure.query(({ ctx }) => ordersOfSeller(ctx.user)),

  siteItems: adminProcedure.query(({ ctx }) => managedItems(itemOwnerFor(ctx.user))),

  saveSiteItem: adminProcedure.input(saveItemSchema).mutation(({ ctx, input }) => saveItem(itemOwnerFor(ctx.user), input)),

  allOrders: adminProcedure.input(adminOrderFilterSchema).query(({ ctx, input }) => ordersForAdmin(ctx.user, input)),
});
