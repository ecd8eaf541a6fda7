import type Stripe from "stripe";
import { newId, randomToken } from "./ids";
import type { TestPaymentMethod } from "./payment-methods";

/**
 * Builders for every object the emulator returns. Field names and nesting follow Stripe's own example objects
 * (stripe/openapi fixtures3.json, see fixtures.json here) and are type-checked against the `stripe` SDK's
 * declarations, so app code reads the same shape it reads from Stripe. Values are the ones a fresh test-mode
 * object has; the operations in payments.ts, checkout.ts and connect.ts move them through their lifecycles.
 *
 * Why one file: one small builder per Stripe object, sharing nothing but the imports above; the list reads as a
 * catalogue of what the emulator can return, and a new endpoint adds its builder here beside its neighbours.
 */

export type Session = Stripe.Checkout.Session;
export type PaymentIntent = Stripe.PaymentIntent;
export type Charge = Stripe.Charge;
export type Refund = Stripe.Refund;
export type Dispute = Stripe.Dispute;
export type BalanceTransaction = Stripe.BalanceTransaction;
export type Account = Stripe.Account;
export type Transfer = Stripe.Transfer;
export type Payout = Stripe.Payout;
export type TransferReversal = Stripe.TransferReversal;
export type WebhookEndpoint = Stripe.WebhookEndpoint;
export type StripeEvent = Stripe.EventBase;
export type Balance = Stripe.Balance;
export type Customer = Stripe.Customer;
export type PaymentMethod = Stripe.PaymentMethod;
/** The SDK types `unit_amount_decimal` as the Decimal it parses; on the wire it is a string. */
export type Price = Omit<Stripe.Price, "unit_amount_decimal"> & { unit_amount_decimal: string | null };
export type LineItem = Omit<Stripe.LineItem, "price"> & { price: Price };
export type Metadata = Record<string, string>;

export interface ApiList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export function apiList<T>(data: T[], url: string, hasMore = false): ApiList<T> {
  return { object: "list", data, has_more: hasMore, url };
}

const nullAddress = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

export interface SessionInput {
  id: string;
  url: string;
  currency: string;
  amountTotal: number;
  successUrl: string;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerEmail: string | null;
  metadata: Metadata;
  expiresAt: number;
  locale: Stripe.Checkout.Session.Locale | null;
  submitType: Stripe.Checkout.Session.SubmitType | null;
  paymentMethodTypes: string[];
  customer: string | null;
  customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
}

export function buildCheckoutSession(input: SessionInput, now: number): Session {
  return {
    id: input.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: input.customer,
    customer_account: null,
    customer_creation: input.customerCreation,
    customer_details: null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: input.locale,
    managed_payments: null,
    metadata: input.metadata,
    mode: "payment",
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: input.paymentMethodTypes,
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: input.submitType,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: input.url,
    wallet_options: null,
  };
}

export function buildCustomerDetails(email: string): Stripe.Checkout.Session.CustomerDetails {
  return {
    address: { ...nullAddress, country: "US" },
    business_name: null,
    email,
    individual_name: null,
    name: null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
}

export interface CustomerInput {
  email: string | null;
  name: string | null;
  description: string | null;
  metadata: Metadata;
}

export function buildCustomer(input: CustomerInput, now: number): Customer {
  return {
    id: newId("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: now,
    currency: null,
    default_source: null,
    delinquent: false,
    description: input.description,
    discount: null,
    email: input.email,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata,
    name: input.name,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

/** The public PaymentMethod object of a test payment method the emulator keeps. */
export function buildPaymentMethod(method: TestPaymentMethod): PaymentMethod {
  const common = {
    id: method.id,
    object: "payment_method" as const,
    allow_redisplay: "unspecified" as const,
    billing_details: { address: nullAddress, email: null, name: null, phone: null, tax_id: null },
    created: method.created,
    customer: method.customer,
    customer_account: null,
    livemode: false,
    metadata: {},
  };
  if (method.type === "us_bank_account") {
    return {
      ...common,
      type: "us_bank_account",
      us_bank_account: {
        account_holder_type: "individual",
        account_type: "checking",
        bank_name: "STRIPE TEST BANK",
        financial_connections_account: null,
        fingerprint: method.fingerprint,
        last4: method.last4,
        networks: { preferred: "ach", supported: ["ach"] },
        routing_number: "110000000",
        status_details: {},
      },
    };
  }
  return {
    ...common,
    type: "card",
    card: {
      brand: method.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: method.brand,
      exp_month: 12,
      exp_year: new Date(method.created * 1000).getUTCFullYear() + 4,
      fingerprint: method.fingerprint,
      funding: "credit",
      generated_from: null,
      last4: method.last4,
      networks: { available: [method.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
  };
}

export interface LineItemInput {
  currency: string;
  unitAmount: number;
  quantity: number;
  name: string;
}

export function buildLineItem(input: LineItemInput, created: number): LineItem {
  const amount = input.unitAmount * input.quantity;
  return {
    id: newId("li"),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: input.currency,
    description: input.name,
    metadata: null,
    price: {
      id: newId("price"),
      object: "price",
      active: false,
      billing_scheme: "per_unit",
      created,
      currency: input.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: newId("prod"),
      recurring: null,
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: "one_time",
      unit_amount: input.unitAmount,
      unit_amount_decimal: String(input.unitAmount),
    },
    quantity: input.quantity,
  };
}

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  metadata: Metadata;
  description: string | null;
  receiptEmail: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  transferGroup: string | null;
  paymentMethodTypes: string[];
  customer: string | null;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
}

export function buildPaymentIntent(input: PaymentIntentInput, now: number): PaymentIntent {
  const id = newId("pi");
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: "automatic",
    created: now,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: input.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: input.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: input.statementDescriptor,
    statement_descriptor_suffix: input.statementDescriptorSuffix,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: input.transferGroup,
  };
}

function paymentMethodDetails(method: TestPaymentMethod, amount: number, captureBefore: number | null): Stripe.Charge.PaymentMethodDetails {
  if (method.type === "us_bank_account") {
    return {
      type: "us_bank_account",
      us_bank_account: {
        account_holder_type: "individual",
        account_type: "checking",
        bank_name: "STRIPE TEST BANK",
        fingerprint: method.fingerprint,
        last4: method.last4,
        payment_reference: null,
        routing_number: "110000000",
      },
    };
  }
  return {
    type: "card",
    card: {
      amount_authorized: amount,
      authorization_code: null,
      brand: method.brand,
      ...(captureBefore === null ? {} : { capture_before: captureBefore }),
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      electronic_commerce_indicator: null,
      exp_month: 12,
      exp_year: new Date(method.created * 1000).getUTCFullYear() + 4,
      extended_authorization: { status: "disabled" },
      fingerprint: method.fingerprint,
      funding: "credit",
      incremental_authorization: { status: "unavailable" },
      installments: null,
      last4: method.last4,
      mandate: null,
      multicapture: { status: "unavailable" },
      network: method.brand,
      network_token: { used: false },
      network_transaction_id: null,
      overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
      regulated_status: "unregulated",
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

export interface ChargeInput {
  paymentIntent: PaymentIntent;
  method: TestPaymentMethod;
  billingEmail: string | null;
  status: Stripe.Charge.Status;
  outcome: Stripe.Charge.Outcome;
  failure: { code: string; message: string } | null;
  /** A card authorisation held for a manual capture: when Stripe releases it if it is still uncaptured. */
  captureBefore: number | null;
}

export function buildCharge(input: ChargeInput, now: number): Charge {
  const { paymentIntent: pi } = input;
  const id = newId("ch");
  return {
    id,
    object: "charge",
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: nullAddress, email: input.billingEmail, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "TIPMETER",
    captured: false,
    created: now,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.failure?.code ?? null,
    failure_message: input.failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: input.outcome,
    paid: input.status === "succeeded",
    payment_intent: pi.id,
    payment_method: input.method.id,
    payment_method_details: paymentMethodDetails(input.method, pi.amount, input.captureBefore),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: input.status,
    transfer_data: null,
    transfer_group: pi.transfer_group,
  };
}

export function approvedOutcome(): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "approved_by_network",
    reason: null,
    risk_level: "normal",
    risk_score: 32,
    seller_message: "Payment complete.",
    type: "authorized",
  };
}

export function declinedOutcome(reason: string): Stripe.Charge.Outcome {
  return {
    advice_code: "try_again_later",
    network_advice_code: null,
    network_decline_code: null,
    network_status: "declined_by_network",
    reason,
    risk_level: "normal",
    risk_score: 40,
    seller_message: "The bank did not return any further details with this decline.",
    type: "issuer_declined",
  };
}

export interface RefundInput {
  charge: Charge;
  amount: number;
  reason: Stripe.Refund.Reason | null;
  metadata: Metadata;
}

export function buildRefund(input: RefundInput, now: number): Refund {
  return {
    id: newId("re"),
    object: "refund",
    amount: input.amount,
    balance_transaction: null,
    charge: input.charge.id,
    created: now,
    currency: input.charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
    metadata: input.metadata,
    payment_intent: typeof input.charge.payment_intent === "string" ? input.charge.payment_intent : null,
    payment_method: input.charge.payment_method,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
}

export interface DisputeInput {
  charge: Charge;
  amount: number;
  reason: string;
}

export function buildDispute(input: DisputeInput, created: number): Dispute {
  const brand = input.charge.payment_method_details?.card?.brand ?? "visa";
  return {
    id: newId("dp"),
    object: "dispute",
    amount: input.amount,
    balance_transactions: [],
    charge: input.charge.id,
    created,
    currency: input.charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: input.charge.billing_details.email,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: created + 7 * 24 * 60 * 60,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof input.charge.payment_intent === "string" ? input.charge.payment_intent : null,
    payment_method_details: {
      card: { brand, case_type: "chargeback", network: brand, network_reason_code: "10.4" },
      type: "card",
    },
    reason: input.reason,
    status: "needs_response",
  };
}

export interface BalanceTransactionInput {
  amount: number;
  fee: number;
  currency: string;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  description: string | null;
}

export function buildBalanceTransaction(input: BalanceTransactionInput, created: number): BalanceTransaction {
  return {
    id: newId("txn"),
    object: "balance_transaction",
    amount: input.amount,
    available_on: created,
    balance_type: "payments",
    created,
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee: input.fee,
    fee_details:
      input.fee === 0
        ? []
        : [{ amount: input.fee, application: null, currency: input.currency, description: "Stripe processing fees", type: "stripe_fee" }],
    net: input.amount - input.fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: "available",
    type: input.type,
  };
}

const NO_REQUIREMENTS = {
  alternatives: [],
  current_deadline: null,
  currently_due: [],
  disabled_reason: null,
  errors: [],
  eventually_due: [],
  past_due: [],
  pending_verification: [],
};

const ONBOARDING_REQUIREMENTS = [
  "business_profile.url",
  "external_account",
  "individual.dob.day",
  "individual.first_name",
  "individual.last_name",
  "tos_acceptance.date",
  "tos_acceptance.ip",
];

export interface AccountInput {
  id: string;
  type: Stripe.Account.Type;
  country: string;
  email: string | null;
  businessType: Stripe.Account.BusinessType | null;
  metadata: Metadata;
  requestedCapabilities: string[];
}

export function buildAccount(input: AccountInput, now: number): Account {
  const defaultCurrency = input.country === "US" ? "usd" : "eur";
  return {
    id: input.id,
    object: "account",
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: null,
      minority_owned_business_designation: null,
      name: null,
      product_description: null,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: input.businessType,
    capabilities: Object.fromEntries(input.requestedCapabilities.map((name) => [name, "inactive"])),
    charges_enabled: false,
    controller: {
      fees: { payer: "application" },
      is_controller: true,
      losses: { payments: "application" },
      requirement_collection: input.type === "custom" ? "application" : "stripe",
      stripe_dashboard: { type: input.type === "custom" ? "none" : input.type },
      type: "application",
    },
    country: input.country,
    created: now,
    default_currency: defaultCurrency,
    details_submitted: false,
    email: input.email,
    external_accounts: apiList([], `/v1/accounts/${input.id}/external_accounts`),
    future_requirements: NO_REQUIREMENTS,
    metadata: input.metadata,
    payouts_enabled: false,
    requirements: {
      ...NO_REQUIREMENTS,
      currently_due: ONBOARDING_REQUIREMENTS,
      disabled_reason: "requirements.past_due",
      eventually_due: ONBOARDING_REQUIREMENTS,
      past_due: ONBOARDING_REQUIREMENTS,
    },
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: null, timezone: "Etc/UTC" },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: "offer" },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: "manual" }, statement_descriptor: null },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: input.type,
  };
}

export function buildBankAccount(account: Account): Stripe.BankAccount {
  return {
    id: newId("ba"),
    object: "bank_account",
    account: account.id,
    account_holder_name: null,
    account_holder_type: null,
    account_type: null,
    available_payout_methods: ["standard"],
    bank_name: "STRIPE TEST BANK",
    country: account.country ?? "US",
    currency: account.default_currency ?? "usd",
    default_for_currency: true,
    fingerprint: randomToken(16),
    last4: "6789",
    metadata: {},
    routing_number: "110000000",
    status: "new",
  };
}

export function completedRequirements(): Stripe.Account.Requirements {
  return NO_REQUIREMENTS;
}

export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  description: string | null;
  metadata: Metadata;
  transferGroup: string | null;
  sourceTransaction: string | null;
}

export function buildTransfer(input: TransferInput, now: number): Transfer {
  const id = newId("tr");
  return {
    id,
    object: "transfer",
    amount: input.amount,
    amount_reversed: 0,
    balance_transaction: null,
    created: now,
    currency: input.currency,
    description: input.description,
    destination: input.destination,
    destination_payment: newId("py"),
    livemode: false,
    metadata: input.metadata,
    reversals: apiList([], `/v1/transfers/${id}/reversals`),
    reversed: false,
    source_transaction: input.sourceTransaction,
    source_type: "card",
    transfer_group: input.transferGroup,
  };
}

export interface TransferReversalInput {
  transfer: string;
  amount: number;
  currency: string;
  metadata: Metadata;
}

/** Shaped as Stripe's `transfer_reversal` (its fixture): the money taken back from the connected account. */
export function buildTransferReversal(input: TransferReversalInput, now: number): TransferReversal {
  return {
    id: newId("trr"),
    object: "transfer_reversal",
    amount: input.amount,
    balance_transaction: null,
    created: now,
    currency: input.currency,
    destination_payment_refund: newId("pyr"),
    metadata: input.metadata,
    source_refund: null,
    transfer: input.transfer,
  };
}

export interface PayoutInput {
  amount: number;
  currency: string;
  destination: string | null;
  description: string | null;
  metadata: Metadata;
  method: "standard" | "instant";
  statementDescriptor: string | null;
}

export function buildPayout(input: PayoutInput, created: number): Payout {
  return {
    id: newId("po"),
    object: "payout",
    amount: input.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: created + (input.method === "instant" ? 0 : 2 * 24 * 60 * 60),
    automatic: false,
    balance_transaction: null,
    created,
    currency: input.currency,
    description: input.description,
    destination: input.destination,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: input.metadata,
    method: input.method,
    original_payout: null,
    payout_method: null,
    reconciliation_status: "not_applicable",
    reversed_by: null,
    source_type: "card",
    statement_descriptor: input.statementDescriptor,
    status: "pending",
    trace_id: { status: "pending", value: null },
    type: "bank_account",
  };
}

export interface WebhookEndpointInput {
  url: string;
  enabledEvents: string[];
  description: string | null;
  metadata: Metadata;
  apiVersion: string | null;
}

export function buildWebhookEndpoint(input: WebhookEndpointInput, now: number): WebhookEndpoint {
  return {
    id: newId("we"),
    object: "webhook_endpoint",
    api_version: input.apiVersion,
    application: null,
    created: now,
    description: input.description,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata,
    status: "enabled",
    url: input.url,
  };
}

export interface EventInput {
  type: Stripe.Event.Type;
  object: object;
  previousAttributes: Record<string, unknown> | null;
  account: string | null;
  apiVersion: string;
  request: { id: string | null; idempotency_key: string | null };
  pendingWebhooks: number;
}

export function buildEvent(input: EventInput, now: number): StripeEvent {
  return {
    id: newId("evt"),
    object: "event",
    ...(input.account ? { account: input.account } : {}),
    api_version: input.apiVersion,
    created: now,
    data: input.previousAttributes
      ? { object: input.object, previous_attributes: input.previousAttributes }
      : { object: input.object },
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: input.request,
    type: input.type,
  };
}

export function buildBalance(entries: { currency: string; available: number }[]): Balance {
  const amounts = entries.length > 0 ? entries : [{ currency: "usd", available: 0 }];
  return {
    object: "balance",
    available: amounts.map(({ currency, available }) => ({ amount: available, currency, source_types: { card: available } })),
    connect_reserved: amounts.map(({ currency }) => ({ amount: 0, currency })),
    livemode: false,
    pending: amounts.map(({ currency }) => ({ amount: 0, currency, source_types: { card: 0 } })),
  };
}
