import { TRPCClientError, type TRPCLink, loggerLink } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";

/**
 * A refusal the user caused: the server answered 4xx (not enough credits, unknown recipient, taken email,
 * invalid input, signed out, not allowed). The page already shows it; it is the app working as designed.
 * Anything else (a 5xx, a network failure, a response that isn't tRPC's) is a fault.
 */
export function isExpectedRefusal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: unknown } | undefined)?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}

export interface FailureConsole {
  error(...args: unknown[]): void;
  info(...args: unknown[]): void;
}

/**
 * Logs failed calls in the browser console. Only faults reach console.error, which Next's dev overlay counts
 * as an error and badges; an expected refusal is one info line, so the badge means something went wrong.
 */
export function failureLoggerLink({ enabled, log = console }: { enabled: boolean; log?: FailureConsole }): TRPCLink<AppRouter> {
  return loggerLink<AppRouter>({
    enabled: (operation) => enabled && operation.direction === "down" && operation.result instanceof Error,
    logger: (operation) => {
      if (operation.direction !== "down" || !(operation.result instanceof Error)) return;
      const { type, path, result } = operation;
      if (isExpectedRefusal(result)) log.info(`[trpc] ${type} ${path} refused: ${result.message}`);
      else log.error(`[trpc] ${type} ${path} failed`, result);
    },
  });
}
