import { describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { fieldErrorsFromDetails, httpStatusForDomainError, trpcCodeForDomainError } from "@/server/api/errors";
import type { DomainErrorCode } from "@/server/domain/errors";

describe("trpcCodeForDomainError", () => {
  it.each<[DomainErrorCode, string]>([
    ["BAD_REQUEST", "BAD_REQUEST"],
    ["UNAUTHORIZED", "UNAUTHORIZED"],
    ["FORBIDDEN", "FORBIDDEN"],
    ["NOT_FOUND", "NOT_FOUND"],
    ["CONFLICT", "CONFLICT"],
    ["INSUFFICIENT_FUNDS", "CONFLICT"],
    ["ACCOUNT_RESTRICTED", "CONFLICT"],
    ["PRECONDITION_FAILED", "CONFLICT"],
    ["RATE_LIMITED", "TOO_MANY_REQUESTS"],
  ])("%s → %s", (domainCode, trpcCode) => {
    expect(trpcCodeForDomainError(domainCode)).toBe(trpcCode);
  });
});

describe("fieldErrorsFromDetails", () => {
  it.each([
    ["no details", undefined, null],
    ["details without field errors", { reason: "x" }, null],
    ["field errors of the wrong shape", { fieldErrors: { email: "taken" } }, null],
    ["well-formed field errors", { fieldErrors: { email: ["taken"] } }, { email: ["taken"] }],
  ])("%s", (_, details, expected) => {
    expect(fieldErrorsFromDetails(details)).toEqual(expected);
  });
});

const DOMAIN_ERROR_CODES: DomainErrorCode[] = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "INSUFFICIENT_FUNDS",
  "ACCOUNT_RESTRICTED",
  "PRECONDITION_FAILED",
  "RATE_LIMITED",
];

describe("httpStatusForDomainError", () => {
  it.each(DOMAIN_ERROR_CODES)("gives %s the status tRPC gives the same refusal", (domainCode) => {
    const overTrpc = getHTTPStatusCodeFromError(new TRPCError({ code: trpcCodeForDomainError(domainCode) }));
    expect(httpStatusForDomainError(domainCode)).toBe(overTrpc);
  });
});
