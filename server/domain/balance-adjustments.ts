import { z } from "zod";
import type { UserAccountKind } from "./ledger";

/**
 * An admin's correction of one of a user's balances, shared by the admin form in the browser and the tRPC input,
 * so both check the same rules with the same messages. The service still refuses a debit the balance can't cover.
 */

export const USER_ACCOUNT_KINDS = ["available", "earnings", "pending", "held"] as const satisfies readonly UserAccountKind[];

const LIMIT = 10n ** 12n;

export const balanceAdjustmentSchema = z.object({
  account: z.enum(USER_ACCOUNT_KINDS),
  /** Signed: positive adds credits, negative removes them. */
  amount: z
    .bigint()
    .refine((amount) => amount !== 0n, "An adjustment cannot be zero.")
    .refine((amount) => amount <= LIMIT && amount >= -LIMIT, "That amount is too large."),
  reason: z.string().trim().min(3, "Give a reason of at least 3 characters.").max(500),
});

export const adjustBalanceInputSchema = balanceAdjustmentSchema.extend({
  userId: z.uuid(),
  /** One per opening of the form, so a retried confirmation can't post twice. */
  idempotencyKey: z.uuid(),
});
