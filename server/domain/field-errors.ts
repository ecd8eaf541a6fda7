/** A form's refusals by field name, as services attach them to a DomainError and forms show them. */
export type FieldErrors = Record<string, string[]>;

/**
 * Field errors keyed by the field's own name (the last segment of the issue path), so a nested field such as
 * performerApplication.stageName is reported on the "stageName" input that shows it. Forms keep names unique.
 */
export function fieldErrorsFromIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = [...issue.path].reverse().find((segment): segment is string => typeof segment === "string") ?? "form";
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}
