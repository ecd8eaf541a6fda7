/** The `error` member of a Stripe API error response, as the SDK's `generateV1Error` reads it. */
export interface RawStripeError {
  type: "invalid_request_error" | "card_error" | "idempotency_error" | "api_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
}

/**
 * An error answered as Stripe would answer it. `saveable` follows Stripe's idempotency rule: a request that
 * failed parameter validation never started executing, so its result is not saved against the Idempotency-Key.
 */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly raw: RawStripeError,
    readonly saveable = true,
  ) {
    super(raw.message);
    this.name = "StripeApiError";
  }
}

function withDocs(raw: RawStripeError): RawStripeError {
  return raw.code ? { ...raw, doc_url: `https://stripe.com/docs/error-codes/${raw.code.replaceAll("_", "-")}` } : raw;
}

export function invalidRequest(message: string, details: { param?: string; code?: string; status?: number } = {}) {
  const { status = 400, ...rest } = details;
  return new StripeApiError(status, withDocs({ type: "invalid_request_error", message, ...rest }));
}

/** A parameter problem found before anything executed. */
export function paramError(message: string, param: string, code?: string) {
  return new StripeApiError(400, withDocs({ type: "invalid_request_error", message, param, code }), false);
}

export function noSuchResource(noun: string, id: string, param = "id") {
  return invalidRequest(`No such ${noun}: '${id}'`, { param, code: "resource_missing", status: 404 });
}

export function authenticationError(message: string) {
  return new StripeApiError(401, { type: "invalid_request_error", message }, false);
}

export function idempotencyError(message: string) {
  return new StripeApiError(400, { type: "idempotency_error", message }, false);
}
