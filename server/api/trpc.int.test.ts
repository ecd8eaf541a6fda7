import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson, { type SuperJSONResult } from "superjson";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { appRouter } from "@/server/api/root";
import { INTERNAL_ERROR_MESSAGE, INVALID_INPUT_MESSAGE } from "@/server/api/errors";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { DomainError } from "@/server/domain/errors";
import { TEST_PASSWORD, uniqueIdentity } from "@/server/testing/users";

/** A router built from the real procedure tiers, to drive each error path over real HTTP. */
const probeRouter = createTRPCRouter({
  bigNumber: publicProcedure.input(z.object({ amount: z.bigint() })).query(({ input }) => ({ doubled: input.amount * 2n })),
  outOfCredits: publicProcedure.query(() => {
    throw new DomainError("INSUFFICIENT_FUNDS", "You need 40 more credits.");
  }),
  crash: publicProcedure.query(() => {
    throw new Error("connection to 10.0.0.5:5432 refused, password=hunter2");
  }),
});

type Router = typeof probeRouter | typeof appRouter;

interface ErrorJson {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    domainCode: string | null;
    fieldErrors: Record<string, string[]> | null;
    stack?: string;
  };
}

interface ResponseBody {
  result: { data: SuperJSONResult };
  error: { json: ErrorJson };
}

async function call(router: Router, path: string, input: unknown, method: "GET" | "POST") {
  const serialized = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const url = `http://127.0.0.1/api/trpc/${path}${method === "GET" ? `?input=${serialized}` : ""}`;
  const request = new Request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(superjson.serialize(input)) : undefined,
  });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router,
    createContext: () => ({ user: null, ip: "127.0.0.1" }),
  });
  return { status: response.status, body: (await response.json()) as ResponseBody };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("tRPC over HTTP", () => {
  it("round-trips bigint through superjson", async () => {
    const { status, body } = await call(probeRouter, "bigNumber", { amount: 2n ** 70n }, "GET");
    expect(status).toBe(200);
    expect(superjson.deserialize(body.result.data)).toEqual({ doubled: 2n ** 71n });
  });

  it("sends a domain refusal with its status, message and domain code", async () => {
    const { status, body } = await call(probeRouter, "outOfCredits", undefined, "GET");
    expect(status).toBe(409);
    expect(body.error.json).toMatchObject({
      message: "You need 40 more credits.",
      data: { code: "CONFLICT", domainCode: "INSUFFICIENT_FUNDS", httpStatus: 409 },
    });
  });

  it("hides an unexpected error's message and stack, and logs it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { status, body } = await call(probeRouter, "crash", undefined, "GET");
    expect(status).toBe(500);
    expect(body.error.json.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(body.error.json.data.stack).toBeUndefined();
    expect(String(log.mock.calls[0]?.[1])).toContain("hunter2");
  });

  it("returns field errors for invalid input", async () => {
    const { status, body } = await call(appRouter, "auth.signUp", { email: "nope", username: "x", displayName: "", password: "short" }, "POST");
    expect(status).toBe(400);
    expect(body.error.json.message).toBe(INVALID_INPUT_MESSAGE);
    expect(Object.keys(body.error.json.data.fieldErrors ?? {}).sort()).toEqual(["displayName", "email", "password", "username"]);
  });

  it("returns the duplicate field on sign-up as a 409 with a field error", async () => {
    const identity = uniqueIdentity("dupe");
    expect((await call(appRouter, "auth.signUp", { ...identity, password: TEST_PASSWORD }, "POST")).status).toBe(200);
    const { status, body } = await call(appRouter, "auth.signUp", { ...identity, email: uniqueIdentity("other").email, password: TEST_PASSWORD }, "POST");
    expect(status).toBe(409);
    expect(body.error.json.data).toMatchObject({ domainCode: "CONFLICT", fieldErrors: { username: [expect.any(String)] } });
  });

  it("answers 401 to a signed-out caller of a member procedure", async () => {
    const { status, body } = await call(appRouter, "auth.me", undefined, "GET");
    expect(status).toBe(401);
    expect(body.error.json.data.code).toBe("UNAUTHORIZED");
  });
});
