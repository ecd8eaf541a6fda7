import type Stripe from "stripe";
import type { Caller, Context } from "./context";
import { invalidRequest } from "./errors";
import { newId, randomToken } from "./ids";
import { formatAmount } from "./money";
import {
  apiList,
  buildAccount,
  buildBalance,
  buildBalanceTransaction,
  buildBankAccount,
  buildPayout,
  buildTransfer,
  buildTransferReversal,
  completedRequirements,
  type Account,
  type AccountInput,
  type Metadata,
  type Balance,
  type Payout,
  type PayoutInput,
  type Transfer,
  type TransferInput,
  type TransferReversal,
} from "./objects";

/** Connect: connected accounts and their onboarding, transfers to them, and payouts from their balances. */

export function createAccount(ctx: Context, input: Omit<AccountInput, "id">): Account {
  return ctx.store.accounts.add(buildAccount({ ...input, id: newId("acct") }, ctx.clock.now()));
}

function accountSnapshot(account: Account) {
  return {
    capabilities: structuredClone(account.capabilities),
    charges_enabled: account.charges_enabled,
    details_submitted: account.details_submitted,
    payouts_enabled: account.payouts_enabled,
    requirements: structuredClone(account.requirements),
  };
}

/** What finishing Stripe's hosted onboarding does: capabilities turn active and payouts are enabled. */
export function completeOnboarding(ctx: Context, account: Account, caller: Caller): Account {
  const previousAttributes = accountSnapshot(account);
  const requested = Object.keys(account.capabilities ?? {});
  const capabilities = requested.length > 0 ? requested : ["transfers"];
  account.capabilities = Object.fromEntries(capabilities.map((name) => [name, "active"]));
  account.charges_enabled = capabilities.includes("card_payments");
  account.details_submitted = true;
  account.payouts_enabled = true;
  account.requirements = completedRequirements();
  account.tos_acceptance = { date: ctx.clock.now(), ip: "127.0.0.1", user_agent: "Stripe emulator" };
  if (account.external_accounts && account.external_accounts.data.length === 0) {
    account.external_accounts = apiList([buildBankAccount(account)], `/v1/accounts/${account.id}/external_accounts`);
  }
  ctx.events.emit("account.updated", account, { account: account.id, origin: caller.origin, previousAttributes });
  return account;
}

/** Stripe disabling payouts after requirements fall past due (an account needing attention again). */
export function disablePayouts(ctx: Context, account: Account, caller: Caller): Account {
  const previousAttributes = accountSnapshot(account);
  account.payouts_enabled = false;
  account.requirements = {
    ...completedRequirements(),
    currently_due: ["external_account"],
    disabled_reason: "requirements.past_due",
    past_due: ["external_account"],
  };
  ctx.events.emit("account.updated", account, { account: account.id, origin: caller.origin, previousAttributes });
  return account;
}

export interface AccountLinkRequest {
  account: Account;
  refreshUrl: string;
  returnUrl: string;
}

export function createAccountLink(ctx: Context, request: AccountLinkRequest): Stripe.AccountLink {
  const token = randomToken(24);
  const created = ctx.clock.now();
  const expiresAt = created + 5 * 60;
  ctx.store.accountLinks.set(token, {
    account: request.account.id,
    refreshUrl: request.refreshUrl,
    returnUrl: request.returnUrl,
    expiresAt,
  });
  return { object: "account_link", created, expires_at: expiresAt, url: `${ctx.baseUrl}/connect/onboarding/${token}` };
}

function availableBalance(ctx: Context, account: string | null, currency: string): number {
  return ctx.store.balanceTransactions
    .list(account, (transaction) => transaction.currency === currency)
    .reduce((sum, transaction) => sum + transaction.net, 0);
}

export function balanceOf(ctx: Context, account: string | null): Balance {
  const currencies = new Set(ctx.store.balanceTransactions.list(account).map((transaction) => transaction.currency));
  return buildBalance([...currencies].map((currency) => ({ currency, available: availableBalance(ctx, account, currency) })));
}

export function createTransfer(ctx: Context, input: TransferInput, caller: Caller): Transfer {
  const destination = ctx.store.accounts.require(input.destination, { param: "destination" });
  if (destination.capabilities?.transfers !== "active") {
    throw invalidRequest(
      "Your destination account needs to have at least one of the following capabilities enabled: transfers, " +
        "crypto_transfers, legacy_payments",
      { param: "destination", code: "insufficient_capabilities_for_transfer" },
    );
  }
  if (input.sourceTransaction) ctx.store.charges.require(input.sourceTransaction, { param: "source_transaction" });
  const transfer = ctx.store.transfers.add(buildTransfer(input, ctx.clock.now()));
  const debit = buildBalanceTransaction({
    amount: -input.amount,
    fee: 0,
    currency: input.currency,
    type: "transfer",
    reportingCategory: "transfer",
    source: transfer.id,
    description: input.description,
  }, ctx.clock.now());
  transfer.balance_transaction = ctx.store.balanceTransactions.add(debit).id;
  const credit = buildBalanceTransaction({
    amount: input.amount,
    fee: 0,
    currency: input.currency,
    type: "payment",
    reportingCategory: "charge",
    source: String(transfer.destination_payment),
    description: null,
  }, ctx.clock.now());
  ctx.store.balanceTransactions.add(credit, destination.id);
  ctx.events.emit("transfer.created", transfer, { origin: caller.origin });
  return transfer;
}

/**
 * Takes (part of) a transfer back from the connected account to the platform, as Stripe does: up to the
 * unreversed amount, and only while the account's available balance holds it (money already paid out to the
 * bank can't be pulled back: Stripe answers `balance_insufficient`).
 */
export function createTransferReversal(
  ctx: Context,
  transfer: Transfer,
  input: { amount: number | null; metadata: Metadata },
  caller: Caller,
): TransferReversal {
  const unreversed = transfer.amount - transfer.amount_reversed;
  const amount = input.amount ?? unreversed;
  if (unreversed === 0) throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`);
  if (amount > unreversed) {
    throw invalidRequest(`Amount (${amount}) is greater than the unreversed amount of the transfer (${unreversed}).`, { param: "amount" });
  }
  const destination = String(transfer.destination);
  const available = availableBalance(ctx, destination, transfer.currency);
  if (amount > available) {
    throw invalidRequest(
      `Insufficient funds in the destination account to reverse this transfer: ${formatAmount(available, transfer.currency)} is available.`,
      { param: "amount", code: "balance_insufficient" },
    );
  }
  const reversal = buildTransferReversal({ transfer: transfer.id, amount, currency: transfer.currency, metadata: input.metadata }, ctx.clock.now());
  ctx.store.transferReversals.add(reversal);
  const returned = buildBalanceTransaction({
    amount,
    fee: 0,
    currency: transfer.currency,
    type: "transfer_refund",
    reportingCategory: "transfer_reversal",
    source: reversal.id,
    description: null,
  }, ctx.clock.now());
  reversal.balance_transaction = ctx.store.balanceTransactions.add(returned).id;
  const taken = buildBalanceTransaction({
    amount: -amount,
    fee: 0,
    currency: transfer.currency,
    type: "payment_refund",
    reportingCategory: "refund",
    source: String(reversal.destination_payment_refund),
    description: null,
  }, ctx.clock.now());
  ctx.store.balanceTransactions.add(taken, destination);
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed === transfer.amount;
  transfer.reversals = { ...transfer.reversals, data: [reversal, ...transfer.reversals.data] };
  ctx.events.emit("transfer.reversed", transfer, { origin: caller.origin });
  return reversal;
}

export function createPayout(ctx: Context, input: Omit<PayoutInput, "destination">, caller: Caller): Payout {
  let destination: string | null = null;
  if (caller.account) {
    const account = ctx.store.accounts.require(caller.account);
    if (!account.payouts_enabled) {
      throw invalidRequest(`Payouts are not enabled for account ${account.id}; it has to finish onboarding first.`, {
        code: "payouts_not_allowed",
      });
    }
    const available = availableBalance(ctx, account.id, input.currency);
    if (input.amount > available) {
      throw invalidRequest(
        `You have insufficient funds in your Stripe account for this payout: ${formatAmount(available, input.currency)} ` +
          "is available. You can use the /v1/balance endpoint to view your Stripe balance.",
        { param: "amount", code: "balance_insufficient" },
      );
    }
    destination = account.external_accounts?.data[0]?.id ?? null;
  }
  const payout = ctx.store.payouts.add(buildPayout({ ...input, destination }, ctx.clock.now()), caller.account);
  const debit = buildBalanceTransaction({
    amount: -input.amount,
    fee: 0,
    currency: input.currency,
    type: "payout",
    reportingCategory: "payout",
    source: payout.id,
    description: input.description,
  }, ctx.clock.now());
  payout.balance_transaction = ctx.store.balanceTransactions.add(debit, caller.account).id;
  ctx.events.emit("payout.created", payout, { account: caller.account, origin: caller.origin });
  return payout;
}

/** Stripe's payout failure codes and the messages it gives with them. */
export const PAYOUT_FAILURES: Record<string, string> = {
  account_closed: "The bank account has been closed.",
  account_frozen: "The bank account has been frozen.",
  could_not_process: "The bank could not process this payout.",
  insufficient_funds: "Your Stripe account has insufficient funds to cover the payout.",
  invalid_account_number: "The routing number seems correct, but the account number is invalid.",
  no_account: "The bank account details on file are probably incorrect. No bank account could be located with those details.",
};

export function settlePayout(ctx: Context, payout: Payout, outcome: { paid: true } | { paid: false; failureCode: string }) {
  if (payout.status !== "pending" && payout.status !== "in_transit") {
    throw invalidRequest(`Payout ${payout.id} is already ${payout.status}.`, { code: "payout_not_pending" });
  }
  const account = ctx.store.payouts.accountOf(payout.id);
  const previousAttributes = { status: payout.status };
  if (outcome.paid) {
    payout.status = "paid";
    payout.reconciliation_status = "completed";
    payout.trace_id = { status: "supported", value: `EMU${randomToken(12).toUpperCase()}` };
    ctx.events.emit("payout.paid", payout, { account, previousAttributes });
    return payout;
  }
  const returned = buildBalanceTransaction({
    amount: payout.amount,
    fee: 0,
    currency: payout.currency,
    type: "payout_failure",
    reportingCategory: "payout_reversal",
    source: payout.id,
    description: `Payout failure (${outcome.failureCode})`,
  }, ctx.clock.now());
  payout.status = "failed";
  payout.failure_code = outcome.failureCode;
  payout.failure_message = PAYOUT_FAILURES[outcome.failureCode] ?? "The payout failed.";
  payout.failure_balance_transaction = ctx.store.balanceTransactions.add(returned, account).id;
  payout.trace_id = { status: "unsupported", value: null };
  ctx.events.emit("payout.failed", payout, { account, previousAttributes });
  return payout;
}
