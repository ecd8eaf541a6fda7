import "server-only";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { retryMessage, retryMessageSchema, undeliveredMessages } from "@/server/outbox/admin";

/** Admins watch the outbox: messages that keep failing or were given up on, and send them again. */
export const outboxRouter = createTRPCRouter({
  undelivered: adminProcedure.query(() => undeliveredMessages()),
  retry: adminProcedure.input(retryMessageSchema).mutation(({ input }) => retryMessage(input)),
});
