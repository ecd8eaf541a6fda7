import "server-only";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { DomainErrorCode } from "@/server/domain/errors";
import type { FieldErrors } from "@/server/domain/field-errors";

/**
 * How each domain refusal travels over tRPC. The transport code drives the HTTP status; clients that need the
 * specific reason read `data.domainCode`. Money refusals are conflicts with the current state of an account,
 * not malformed requests, so a retry after the state changes may succeed.
 */
const TRPC_CODE_BY_DOMAIN_CODE: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INSUFFICIENT_FUNDS: "CONFLICT",
  ACCOUNT_RESTRICTED: "CONFLICT",
  PRECONDITION_FAILED: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
};

export function trpcCodeForDomainError(code: DomainErrorCode): TRPC_ERROR_CODE_KEY {
  return TRPC_CODE_BY_DOMAIN_CODE[code];
}

/** The HTTP status of a domain refusal in a route handler's JSON answer: the status tRPC gives the same refusal. */
const HTTP_STATUS_BY_DOMAIN_CODE: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INSUFFICIENT_FUNDS: 409,
  ACCOUNT_RESTRICTED: 409,
  PRECONDITION_FAILED: 409,
  RATE_LIMITED: 429,
};

export function httpStatusForDomainError(code: DomainErrorCode): number {
  return HTTP_STATUS_BY_DOMAIN_CODE[code];
}

/** Field errors a service attached to a DomainError (`details.fieldErrors`), if they have the expected shape. */
export function fieldErrorsFromDetails(details: Record<string, unknown> | undefined): FieldErrors | null {
  const candidate = details?.fieldErrors;
  if (typeof candidate !== "object" || candidate === null) return null;
  const entries = Object.entries(candidate).filter(
    (entry): entry is [string, string[]] =>
      Array.isArray(entry[1]) && entry[1].every((message) => typeof message === "string"),
  );
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again.";
export const INVALID_INPUT_MESSAGE = "Some fields need attention.";
