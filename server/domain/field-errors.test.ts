import { describe, expect, it } from "vitest";
import { fieldErrorsFromIssues } from "@/server/domain/field-errors";

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
