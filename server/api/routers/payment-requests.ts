import "server-only";
import { z } from "zod";
import { claimedProcedure, createTRPCRouter, memberProcedure, performerProcedure } from "@/server/api/trpc";
import { paymentRequestIdSchema, sendPaymentRequestSchema, shippingForRequestSchema } from "@/server/domain/payment-requests";
import {
  declinePaymentRequest,
  giveShippingAddress,
  listPaymentRequests,
  loadRequestFor,
  payByCard,
  payFromWalletAsSession,
  payFromWalletSchema,
  recordServiceTime,
  requestsInRoom,
  sendPaymentRequest,
} from "@/server/services/payment-requests";

const listSchema = z.object({ status: z.enum(["PENDING", "PAID", "DECLINED", "EXPIRED"]).optional() });

/** Sending and service times are the sending performer's; paying, declining and shipping the addressed member's (checked in the service). */
export const paymentRequestsRouter = createTRPCRouter({
  send: performerProcedure.input(sendPaymentRequestSchema).mutation(({ ctx, input }) => sendPaymentRequest(ctx.user.id, input)),

  /** The addressed member; a payment from the wallet checks the session in its own statement (payFromWalletAsSession). */
  payFromWallet: claimedProcedure.input(payFromWalletSchema).mutation(({ ctx, input }) => payFromWalletAsSession(ctx.claim, input)),

  payByCard: memberProcedure.input(paymentRequestIdSchema).mutation(({ ctx, input }) => payByCard(ctx.user.id, input)),

  decline: memberProcedure.input(paymentRequestIdSchema).mutation(({ ctx, input }) => declinePaymentRequest(ctx.user.id, input)),

  startService: performerProcedure.input(paymentRequestIdSchema).mutation(({ ctx, input }) => recordServiceTime(ctx.user.id, input, "start")),

  finishService: performerProcedure.input(paymentRequestIdSchema).mutation(({ ctx, input }) => recordServiceTime(ctx.user.id, input, "finish")),

  giveShipping: memberProcedure.input(shippingForRequestSchema).mutation(({ ctx, input }) => giveShippingAddress(ctx.user.id, input)),

  /** One request, for either of its two sides. */
  get: memberProcedure.input(paymentRequestIdSchema).query(({ ctx, input }) => loadRequestFor(ctx.user.id, input.requestId)),

  /** The viewer's requests in a room: the performer's sent there, or a member's received there. */
  inRoom: memberProcedure.input(z.object({ performerId: z.uuid() })).query(({ ctx, input }) => requestsInRoom(ctx.user.id, input.performerId)),

  sent: performerProcedure.input(listSchema).query(({ ctx, input }) => listPaymentRequests(ctx.user.id, "sent", input.status)),

  received: memberProcedure.input(listSchema).query(({ ctx, input }) => listPaymentRequests(ctx.user.id, "received", input.status)),
});
