import type Stripe from "stripe";
import { noSuchResource } from "./errors";
import type {
  Account,
  BalanceTransaction,
  Charge,
  Customer,
  Dispute,
  LineItem,
  PaymentIntent,
  Payout,
  Refund,
  Session,
  StripeEvent,
  Transfer,
  TransferReversal,
  WebhookEndpoint,
} from "./objects";
import { buildPaymentMethod } from "./objects";
import type { TestPaymentMethod } from "./payment-methods";

interface Entry<T> {
  value: T;
  /** The connected account the object lives on (Stripe-Account), or null for the platform. */
  account: string | null;
}

/** One kind of object, in creation order, each tagged with the account it belongs to. */
export class Collection<T extends { id: string }> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(readonly noun: string) {}

  add(value: T, account: string | null = null): T {
    this.entries.set(value.id, { value, account });
    return value;
  }

  get(id: string): T | undefined {
    return this.entries.get(id)?.value;
  }

  accountOf(id: string): string | null {
    return this.entries.get(id)?.account ?? null;
  }

  /** The object, or Stripe's 404 when it does not exist or belongs to another account. */
  require(id: string, options: { account?: string | null; param?: string } = {}): T {
    const entry = this.entries.get(id);
    if (!entry || (options.account !== undefined && entry.account !== options.account)) {
      throw noSuchResource(this.noun, id, options.param);
    }
    return entry.value;
  }

  /** Newest first, as Stripe lists. */
  list(account: string | null | undefined, filter: (value: T) => boolean = () => true): T[] {
    const matches: T[] = [];
    for (const entry of this.entries.values()) {
      if ((account === undefined || entry.account === account) && filter(entry.value)) matches.push(entry.value);
    }
    return matches.reverse();
  }

  clear(): void {
    this.entries.clear();
  }
}

/** What a Checkout Session keeps beside its public object: its items and what its PaymentIntent will get. */
export interface SessionExtras {
  lineItems: LineItem[];
  paymentIntentData: {
    captureMethod: Stripe.PaymentIntent.CaptureMethod;
    metadata: Record<string, string>;
    description: string | null;
    receiptEmail: string | null;
    statementDescriptor: string | null;
    statementDescriptorSuffix: string | null;
    transferGroup: string | null;
    setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  };
}

export interface AccountLinkRecord {
  account: string;
  returnUrl: string;
  refreshUrl: string;
  expiresAt: number;
}

export interface WebhookEndpointRecord {
  endpoint: WebhookEndpoint;
  secret: string;
  /** Connect endpoints receive events of connected accounts; account endpoints the platform's own. */
  connect: boolean;
}

/** All emulator state. In memory by design: it is a local stand-in and `reset()` gives tests a clean slate. */
export class Store {
  readonly sessions = new Collection<Session>("checkout.session");
  readonly sessionExtras = new Map<string, SessionExtras>();
  readonly paymentIntents = new Collection<PaymentIntent>("payment_intent");
  readonly paymentMethods = new Collection<TestPaymentMethod>("PaymentMethod");
  readonly customers = new Collection<Customer>("customer");
  readonly charges = new Collection<Charge>("charge");
  readonly refunds = new Collection<Refund>("refund");
  readonly disputes = new Collection<Dispute>("dispute");
  readonly balanceTransactions = new Collection<BalanceTransaction>("balance_transaction");
  readonly accounts = new Collection<Account>("account");
  readonly accountLinks = new Map<string, AccountLinkRecord>();
  readonly transfers = new Collection<Transfer>("transfer");
  readonly transferReversals = new Collection<TransferReversal>("transfer_reversal");
  readonly payouts = new Collection<Payout>("payout");
  readonly events = new Collection<StripeEvent>("event");
  readonly webhookEndpoints = new Map<string, WebhookEndpointRecord>();
  /** Bank debits still processing, by PaymentIntent id: what their timer will do, so a test control can do it now. */
  readonly pendingSettlements = new Map<string, () => void>();

  private readonly byPrefix: [string, Collection<{ id: string }>][] = [
    ["cs_", this.sessions],
    ["cus_", this.customers],
    ["pi_", this.paymentIntents],
    ["ch_", this.charges],
    ["re_", this.refunds],
    ["dp_", this.disputes],
    ["txn_", this.balanceTransactions],
    ["acct_", this.accounts],
    ["trr_", this.transferReversals],
    ["tr_", this.transfers],
    ["po_", this.payouts],
    ["evt_", this.events],
  ];

  /** Any stored object by id, for `expand[]`. */
  lookup(id: string): { id: string } | undefined {
    if (id.startsWith("pm_")) {
      const method = this.paymentMethods.get(id);
      return method && buildPaymentMethod(method);
    }
    const collection = this.byPrefix.find(([prefix]) => id.startsWith(prefix))?.[1];
    return collection?.get(id);
  }

  reset(): void {
    for (const [, collection] of this.byPrefix) collection.clear();
    this.paymentMethods.clear();
    this.sessionExtras.clear();
    this.accountLinks.clear();
    this.webhookEndpoints.clear();
    this.pendingSettlements.clear();
  }
}
