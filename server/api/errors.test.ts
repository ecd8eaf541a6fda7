import { describe, expect, it } from "vitest";
import { fieldErrorsFromDetails, trpcCodeForDomainError } from "@/server/api/errors";
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
