import "server-only";
import { expireOverdueRequests } from "@/server/services/payment-requests";
import { defineJob } from "./definition";

/**
 * Marks payment requests past their expiry expired and tells both sides (server/services/payment-requests/expiry.ts).
 * Every minute; each request changes under its row lock and only while still pending, so any number of workers may run it.
 */
export const paymentRequestsExpireJob = defineJob({
  name: "payment-requests.expire",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    await expireOverdueRequests();
  },
});
