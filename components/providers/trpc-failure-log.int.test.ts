import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterEach, describe, expect, it, vi } from "vitest";
import { failureLoggerLink } from "@/components/providers/trpc-failure-log";
import { appRouter } from "@/server/api/root";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import type { SessionUser } from "@/server/auth/session-user";
import { DomainError } from "@/server/domain/errors";
import { TEST_PASSWORD, makeMember, uniqueIdentity } from "@/server/testing/users";

// Sign-up sends a welcome email, and a mail server that isn't there is a fault logged with console.error: this
// test is about refusals only.
vi.mock("@/server/integrations/email", () => ({ sendEmail: vi.fn(async () => {}) }));

/**
 * What reaches console.error (the error Next's dev overlay badges) when a call fails, on both sides of a real
 * tRPC round trip: the server's error formatter and the browser client's logger link.
 */

const probeRouter = createTRPCRouter({
  crash: publicProcedure.query(() => {
    throw new Error("connection to the database lost");
  }),
  outOfCredits: publicProcedure.mutation(() => {
    throw new DomainError("INSUFFICIENT_FUNDS", "You don't have enough credits for this tip.");
  }),
});

/** The real API next to the probes, so both are called through the same client and server stack. */
const router = createTRPCRouter({ app: appRouter, probe: probeRouter });

function clientFor(user: SessionUser | null) {
  return createTRPCClient<typeof router>({
    links: [
      failureLoggerLink({ enabled: true }),
      httpBatchLink({
        url: "http://127.0.0.1/api/trpc",
        transformer: superjson,
        fetch: (url, init) =>
          fetchRequestHandler({
            endpoint: "/api/trpc",
            req: new Request(url, init as RequestInit),
            router,
            createContext: () => ({ user, ip: "127.0.0.1" }),
          }),
      }),
    ],
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("logging failed calls", () => {
  it.each([
    [
      "not enough credits",
      () => clientFor(null).probe.outOfCredits.mutate(),
      "You don't have enough credits for this tip.",
    ],
    [
      "an unknown recipient",
      async () =>
        clientFor(await makeMember("sender")).app.transfers.send.mutate({
          recipient: "nobody-goes-by-this-name",
          amount: 5n,
          idempotencyKey: crypto.randomUUID(),
        }),
      "No one on Tipmeter goes by that username or email address.",
    ],
    [
      "a taken username",
      async () => {
        const identity = uniqueIdentity("taken");
        const client = clientFor(null).app;
        await client.auth.signUp.mutate({ ...identity, password: TEST_PASSWORD });
        return client.auth.signUp.mutate({ ...uniqueIdentity("other"), username: identity.username, password: TEST_PASSWORD });
      },
      "This username is taken; choose another.",
    ],
    ["invalid input", () => clientFor(null).app.auth.signUp.mutate({ email: "nope", username: "x", displayName: "", password: "short" }), "Some fields need attention."],
    ["a signed-out caller", () => clientFor(null).app.auth.me.query(), "Sign in to continue."],
  ])("logs a refusal (%s) as info, never with console.error", async (_case, call, message) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    await expect(call()).rejects.toThrow(message);
    expect(error).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0]?.[0])).toMatch(/^\[trpc\] (query|mutation) \S+ refused: /);
  });

  it("logs an unexpected error with console.error on the server and in the browser", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    await expect(clientFor(null).probe.crash.query()).rejects.toThrow("Something went wrong on our side");
    const lines = error.mock.calls.map((call) => String(call[0]));
    expect(lines).toEqual(["[trpc] probe.crash failed", "[trpc] query probe.crash failed"]);
    expect(String(error.mock.calls[0]?.[1])).toContain("connection to the database lost");
    expect(info).not.toHaveBeenCalled();
  });
});
