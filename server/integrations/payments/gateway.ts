import "server-only";
/**
 * The payment gateway as the platform sees it: what a service may ask of a card processor, in the platform's
 * terms (an amount in minor units of a currency, our metadata, our idempotency keys), and what a processor's
 * objects look like once read back. Nothing here names a processor; each adapter (stripe/ is the first) maps
 * these onto its own API. See README.md for what a second adapter must implement.
 */

/** Our own keys and values attached to a processor's object (which purchase or order it pays for). */
export type GatewayMetadata = Record<string, string>;

// ─── Customers: who a saved card belongs to ─────────────────────────────────────────────────────────────────

/** The processor's record of a member that cards are saved on (Stripe: a Customer id). */
export type CustomerReference = string;

export interface CustomerRequest {
  email?: string;
  /** Our keys (the user id), so the processor's record names our row. */
  metadata: GatewayMetadata;
  /** The same key returns the same customer. */
  idempotencyKey: string;
}

// ─── Checkout: a hosted page where the buyer pays one amount ────────────────────────────────────────────────

export interface CheckoutRequest {
  amountMinor: bigint;
  /** ISO 4217, any case. */
  currency: string;
  /** The one line the buyer sees on the pay page. */
  description: string;
  /** Pre-fills the pay page; ignored with `saveCardFor` (the customer's own email is used). */
  customerEmail?: string;
  /**
   * Save the card that pays on this customer, so `authorize` can charge it again off-session (the buyer is told
   * on the pay page). `paymentMethodOf(paymentId)` then names the card and this customer.
   */
  saveCardFor?: CustomerReference;
  /**
   * Authorise only: the checkout ends with the amount held on the card (`payment: "authorized"`), and `paymentId`
   * is then captured (all or part, the rest released) with `capture`, or released with `cancelAuthorization`.
   */
  captureLater?: boolean;
  /** Our reference for the payment (the purchase id), where the processor has a field for it. */
  reference?: string;
  /** Set on the checkout and on the payment it creates, so either names our row when re-read. */
  metadata: GatewayMetadata;
  /** Where the buyer lands after paying; the adapter adds its checkout id as `session_id`. */
  successUrl: string;
  cancelUrl: string;
  /** When the checkout stops accepting a payment; the processor's default when omitted. */
  expiresAt?: Date;
  /** The same key returns the same checkout (a retry after a lost answer). */
  idempotencyKey: string;
}

/**
 * How far a checkout's payment got: paid (captured); authorized (a `captureLater` hold, not captured yet); failed
 * for good after it was started (a late decline, or a hold released without capture); or none of these yet.
 */
export type CheckoutPayment = "paid" | "authorized" | "failed" | "unpaid";

export interface Checkout {
  id: string;
  /** Where the buyer pays; null once the checkout is no longer open. */
  url: string | null;
  status: "open" | "complete" | "expired";
  payment: CheckoutPayment;
  /** The payment it created, once the buyer started paying. */
  paymentId: string | null;
  amountMinor: bigint;
  currency: string;
  metadata: GatewayMetadata;
  reference: string | null;
}

// ─── Payments, refunds and disputes ─────────────────────────────────────────────────────────────────────────

/** A payment as the processor has it now: what was charged and how much of it was given back. */
export interface Payment {
  /** The processor's charge (the money movement refunds and disputes are about). */
  chargeId: string;
  /** The payment our rows store (Stripe: the PaymentIntent); null if the processor has none. */
  paymentId: string | null;
  amountMinor: bigint;
  currency: string;
  /** Total refunded so far, across every refund. */
  refundedMinor: bigint;
}

/** A processor's fee for one payment, in minor units of `currency` (the balance it settled in). */
export interface ProcessorFee {
  feeMinor: bigint;
  currency: string;
}

export interface RefundRequest {
  paymentId: string;
  /** Omitted: whatever is left of the payment. */
  amountMinor?: bigint;
  metadata: GatewayMetadata;
  /** The same key makes one refund however often it is asked for. */
  idempotencyKey: string;
}

export interface Dispute {
  id: string;
  amountMinor: bigint;
  /** Open while the card network decides; won returns the money, lost keeps it taken. */
  status: "open" | "won" | "lost";
}

// ─── Manual capture on a saved card (card tabs) ─────────────────────────────────────────────────────────────

/** What paid for a payment: the card (or bank account) the processor keeps, so it can be charged again off-session. */
export interface PaymentMethod {
  /** The processor's reference to it (Stripe: a PaymentMethod id); null if the processor names none. */
  reference: string | null;
  /** "Visa ending in 4242", for receipts and for the member to recognise it; null if the processor says nothing usable. */
  label: string | null;
  /** The customer it is saved on (only then can `authorize` use it again); null for a card used once. */
  customer: CustomerReference | null;
}

/** An authorisation on a saved card without the member present (a card tab's next hold, or a re-authorisation). */
export interface AuthorizationRequest {
  /** A PaymentMethod's `reference`, saved on `customer`. */
  paymentMethod: string;
  /** The customer the card is saved on; a card saved on another, or used once without saving, is refused. */
  customer: CustomerReference;
  amountMinor: bigint;
  currency: string;
  description: string;
  metadata: GatewayMetadata;
  idempotencyKey: string;
}

/** An authorisation held on a card: some or all of it captured later, or released. */
export type Authorization =
  | { status: "authorized"; id: string; amountMinor: bigint }
  /** The card refused it; nothing is held. `reason` is the processor's words for the member. */
  | { status: "declined"; id: string | null; reason: string };

export interface Capture {
  id: string;
  capturedMinor: bigint;
}

/** A manual-capture payment as the processor has it now. */
export interface AuthorizationState {
  id: string;
  /**
   * `pending`: not confirmed yet (or still being confirmed); `authorized`: held, capturable; `captured`: taken (all
   * or part, the rest released); `canceled`: released without capture; `failed`: the card refused it (at
   * authorisation, or at capture), nothing is held.
   */
  status: "pending" | "authorized" | "captured" | "canceled" | "failed";
  /** What was asked for. */
  amountMinor: bigint;
  /** Still held. */
  capturableMinor: bigint;
  /** Taken. */
  capturedMinor: bigint;
  currency: string;
  metadata: GatewayMetadata;
  /** Why it was released without capture: "expired" (the processor's 7 days ran out), "requested", other text; null otherwise. */
  canceledBecause: string | null;
}

// ─── Payouts to connected accounts ──────────────────────────────────────────────────────────────────────────

export interface ConnectedAccountRequest {
  country: string;
  email?: string;
  metadata: GatewayMetadata;
  idempotencyKey: string;
}

export interface ConnectedAccount {
  id: string;
  /** The account can receive transfers and pay them out to its bank. */
  payoutsEnabled: boolean;
  transfersEnabled: boolean;
  detailsSubmitted: boolean;
}

export interface TransferRequest {
  accountId: string;
  amountMinor: bigint;
  currency: string;
  /** Ties the transfer to what it pays for (a withdrawal). */
  group: string;
  description: string;
  metadata: GatewayMetadata;
  idempotencyKey: string;
}

export interface PayoutRequest {
  accountId: string;
  amountMinor: bigint;
  currency: string;
  description: string;
  metadata: GatewayMetadata;
  idempotencyKey: string;
}

export interface Payout {
  id: string;
  status: "pending" | "in_transit" | "paid" | "failed" | "canceled";
  /** Why it failed, in the processor's words (message, else code). */
  failure: string | null;
}

export type TransferReversal = { reversed: true; id: string } | { reversed: false; reason: string };

// ─── Webhooks ───────────────────────────────────────────────────────────────────────────────────────────────

/** What an event is about, as the platform handles it; `other` is recorded and ignored. */
export type EventTopic = "checkout" | "refund" | "dispute" | "payout" | "authorization" | "other";

/**
 * A verified webhook delivery. Only `id` (the processor's event id, the deduplication key), `type` and the
 * object's id are trusted; `claimedMetadata` is the payload's, good only for finding a candidate row.
 */
export interface GatewayEvent {
  /** The adapter that verified it, and so the one that re-reads its subject. */
  gateway: GatewayName;
  id: string;
  /** The processor's own name for the event, stored with its id and shown to admins. */
  type: string;
  topic: EventTopic;
  objectId: string | null;
  /** The connected account the event happened on, if any. */
  account: string | null;
  claimedMetadata: GatewayMetadata;
}

/** An event's object as re-read from the processor: the only source of identifiers and amounts acted on. */
export type EventSubject =
  | { kind: "checkout"; checkout: Checkout }
  | { kind: "refund"; payment: Payment }
  | { kind: "dispute"; dispute: Dispute; payment: Payment }
  /** A manual-capture payment held, captured, released (or expired) or refused. */
  | { kind: "authorization"; authorization: AuthorizationState };

/** A delivery refused before anything is read from it; the route answers 400 with the reason. */
export class RefusedWebhook extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "RefusedWebhook";
  }
}

/**
 * The processor answered but would not do it: `refused` (the request is not valid in the object's current
 * state, `notFound` when the object does not exist) or `declined` (a card refused a charge). Anything else a
 * call throws as the processor's answer (unreachable, rate-limited, a 5xx, a bad key) is `unavailable`; a
 * retry later may succeed.
 */
export class PaymentGatewayError extends Error {
  constructor(
    readonly kind: "refused" | "declined" | "unavailable",
    message: string,
    readonly notFound = false,
  ) {
    super(message);
    this.name = "PaymentGatewayError";
  }
}

/** The adapters there are; a second processor adds its name here. */
export type GatewayName = "stripe";

export interface PaymentGateway {
  readonly id: GatewayName;
  /** Which processor this is, for messages and admin notes ("Stripe"). */
  readonly name: string;

  // Customers
  /** A customer to save cards on, keyed. */
  createCustomer(request: CustomerRequest): Promise<CustomerReference>;

  // Checkout
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  readCheckout(checkoutId: string): Promise<Checkout>;
  /** Makes an open checkout unpayable and returns it as it ends up; one paid or started meanwhile is returned as it is. */
  closeCheckout(checkoutId: string): Promise<Checkout>;

  // Payments and refunds
  /** The metadata the payment carries (which of our rows it pays for). */
  paymentMetadata(paymentId: string): Promise<GatewayMetadata>;
  /** What paid, for a receipt and for charging it again off-session; null while nothing has. */
  paymentMethodOf(paymentId: string): Promise<PaymentMethod | null>;
  refund(request: RefundRequest): Promise<{ id: string }>;
  /**
   * What the processor kept for processing a payment, in minor units of the currency it settled in (Stripe: the
   * `fee` of the latest charge's balance transaction); null until the payment has one (not captured yet).
   */
  processorFee(paymentId: string): Promise<ProcessorFee | null>;

  // Manual capture off-session
  authorize(request: AuthorizationRequest): Promise<Authorization>;
  /** An authorisation (from `authorize`, or a `captureLater` checkout's `paymentId`) as the processor has it now. */
  readAuthorization(authorizationId: string): Promise<AuthorizationState>;
  /**
   * Captures `amountMinor` (at most what is held; omitted: all of it); the rest is released. A card that declines
   * at capture throws `PaymentGatewayError("declined")` (nothing is held any more); an authorisation already
   * released, expired or captured throws `PaymentGatewayError("refused")`.
   */
  capture(authorizationId: string, amountMinor?: bigint): Promise<Capture>;
  /** Releases an authorisation without charging anything. */
  cancelAuthorization(authorizationId: string): Promise<void>;

  // Payouts
  createConnectedAccount(request: ConnectedAccountRequest): Promise<ConnectedAccount>;
  onboardingLink(accountId: string, urls: { returnUrl: string; refreshUrl: string }): Promise<{ url: string }>;
  connectedAccount(accountId: string): Promise<ConnectedAccount>;
  transfer(request: TransferRequest): Promise<{ id: string }>;
  payout(request: PayoutRequest): Promise<Payout>;
  readPayout(accountId: string | null, payoutId: string): Promise<Payout>;
  /** Takes a whole transfer back; a refusal (the money has left the account) is an outcome, not an error. */
  reverseTransfer(transferId: string, request: { metadata: GatewayMetadata; idempotencyKey: string }): Promise<TransferReversal>;

  // Webhooks
  /** Checks a delivery's signature against its raw body; throws RefusedWebhook. */
  verifyWebhook(rawBody: string, headers: Headers, nowMs?: number): GatewayEvent;
  /** The event's object re-read from the processor; null for a topic the platform ignores or an object it does not know. */
  readSubject(event: GatewayEvent): Promise<EventSubject | null>;
}
