import "server-only";
import { sweepOverdueOrders } from "@/server/services/store";
import { defineJob } from "./definition";

/**
 * Gives back what store orders still waiting for their card after the checkout's lifetime hold: stock and held
 * credits (server/services/store/order-endings.ts, `sweepOverdueOrders`). Every minute; safe on any number of workers,
 * since each order is settled under its row lock and only while it still waits, and a missed tick is caught up
 * by the next one.
 */
export const storeOrdersSweepJob = defineJob({
  name: "store-orders.sweep",
  schedule: { cron: "* * * * *" },
  queue: { policy: "singleton", retryLimit: 2 },
  async handler() {
    await sweepOverdueOrders();
  },
});
