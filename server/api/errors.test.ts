import { describe, expect, it } from "vitest";
import { fieldErrorsFromDetails, fieldErrorsFromIssues, trpcCodeForDomainError } from "@/server/api/errors";
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

describe("fieldErrorsFromIssues", () => {
  it("keys errors by the field's own name, nested or not, and keeps every message", () => {
    expect(
      fieldErrorsFromIssues([
        { path: ["email"], message: "Enter a valid email." },
        { path: ["performerApplication", "stageName"], message: "Too short." },
        { path: ["email"], message: "Already taken." },
        { path: ["items", 0], message: "Bad item." },
        { path: [], message: "Whole form." },
      ]),
    ).toEqual({
      email: ["Enter a valid email.", "Already taken."],
      stageName: ["Too short."],
      items: ["Bad item."],
      form: ["Whole form."],
    });
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
