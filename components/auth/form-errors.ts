import { TRPCClientError } from "@trpc/client";
import type { ZodError } from "zod";
import { type FieldErrors, fieldErrorsFromIssues } from "@/server/domain/field-errors";

export type { FieldErrors };

export function zodFieldErrors(error: ZodError): FieldErrors {
  return fieldErrorsFromIssues(error.issues);
}

/** The message and field errors of a failed tRPC call (shaped by the errorFormatter in server/api/trpc.ts). */
export function describeTrpcError(error: unknown): { message: string; fieldErrors: FieldErrors } {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: FieldErrors | null } | undefined;
    return { message: error.message, fieldErrors: data?.fieldErrors ?? {} };
  }
  return { message: "We couldn't reach the server. Check your connection and try again.", fieldErrors: {} };
}
