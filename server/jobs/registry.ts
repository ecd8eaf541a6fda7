import "server-only";
import { ledgerFoldJob } from "./ledger-fold";
import { earningsMatureJob } from "./earnings-mature";
import { membershipRenewalJob } from "./memberships-renew";
import { showsSweepJob } from "./shows-sweep";
import { storeOrdersSweepJob } from "./store-orders-sweep";
import { tabsSweepJob } from "./tabs-sweep";
import { revenueProcessorFeesJob } from "./revenue-processor-fees";
import { paymentRequestsExpireJob } from "./payment-requests-expire";
import type { JobDefinition } from "./definition";

export { defineJob, type JobDefinition } from "./definition";

/** Every background job the worker runs. */
export const jobs = [ledgerFoldJob, earningsMatureJob, membershipRenewalJob, showsSweepJob, storeOrdersSweepJob, tabsSweepJob, revenueProcessorFeesJob, paymentRequestsExpireJob] as const satisfies readonly JobDefinition[];

type RegisteredJob = (typeof jobs)[number];

export type JobName = RegisteredJob["name"];

export type JobData<Name extends JobName> =
  Extract<RegisteredJob, { name: Name }> extends JobDefinition<Name, infer Data> ? Data : never;
