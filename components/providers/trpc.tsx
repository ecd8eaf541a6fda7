"use client";

import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from "@tanstack/react-query";
import { TRPCClientError, createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { failureLoggerLink } from "@/components/providers/trpc-failure-log";
import { MAX_BATCH_SIZE } from "@/server/api/limits";
import type { AppRouter } from "@/server/api/root";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let signingOut = false;

/**
 * Called when the user signs out: requests refused from then on are expected, and must not send the browser to
 * /session-ended in place of where sign-out is taking it.
 */
export function expectSessionToEnd(): void {
  signingOut = true;
}

/**
 * A request the server refused because the session ended (suspension, sign-out elsewhere) sends the browser
 * to the route that clears the cookie and asks to sign in again, instead of leaving a page that can't work.
 */
function endSessionIfUnauthorized(error: unknown) {
  if (signingOut || !(error instanceof TRPCClientError) || error.data?.code !== "UNAUTHORIZED") return;
  const here = `${window.location.pathname}${window.location.search}`;
  const sessionEnded = new URL("/session-ended", window.location.origin);
  sessionEnded.searchParams.set("callbackUrl", here);
  // A document navigation, not a router push: /session-ended is a route handler that rewrites cookies.
  window.location.replace(sessionEnded);
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: endSessionIfUnauthorized }),
    mutationCache: new MutationCache({ onError: endSessionIfUnauthorized }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx answers won't change on retry; only retry what might be transient.
        retry: (failureCount, error) =>
          failureCount < 2 && !(error instanceof TRPCClientError && (error.data?.httpStatus ?? 500) < 500),
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        failureLoggerLink({ enabled: process.env.NODE_ENV === "development" }),
        httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_BATCH_SIZE }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
