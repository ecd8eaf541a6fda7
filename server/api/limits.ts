/**
 * The most procedure calls one tRPC request may carry. The busiest page batches 4; a cap keeps one request from
 * running a hundred mutations (or a hundred expensive queries) past the per-request limits. The client's batch
 * link splits at the same size, so no page ever meets the refusal.
 */
export const MAX_BATCH_SIZE = 20;
