import "server-only";
import { readProcessorFees } from "@/server/services/revenue";
import { defineJob } from "./definition";

/**
 * Reads the processor fee of every card payment behind a sale that has none recorded yet
 * (server/services/revenue, `readProcessorFees`). Every minute; safe on any number of workers, since a payment's
 * fee row is written once (its key is the payment) and a payment not settled yet is simply asked again next time.
 */
export const revenueProcessorFeesJob = defineJob({
  name: "revenue.processor-fees",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    await readProcessorFees();
  },
});
