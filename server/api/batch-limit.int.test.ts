import superjson from "superjson";
import { afterAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { MAX_BATCH_SIZE } from "@/server/api/limits";
import { closeDb } from "@/server/db/client";
import { routeRequestAs } from "@/server/testing/session-cookie";
import { NextRequest } from "next/server";

/** One HTTP request through the real tRPC route, batching `size` calls of a cheap public procedure. */
function batchUrl(size: number): string {
  const paths = Array.from({ length: size }, () => "store.paymentTerms").join(",");
  const inputs = Object.fromEntries(Array.from({ length: size }, (_, index) => [index, superjson.serialize(undefined)]));
  return `http://127.0.0.1:3000/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

afterAll(async () => {
  await closeDb();
});

describe("the size of a tRPC batch", () => {
  it("answers a batch of the largest allowed size", async () => {
    const response = await GET(await routeRequestAs(null, batchUrl(MAX_BATCH_SIZE)));
    expect(response.status).toBe(200);
    expect((await response.json()) as unknown[]).toHaveLength(MAX_BATCH_SIZE);
  });

  it("refuses one call more with a 400 and runs none of them", async () => {
    const response = await GET(await routeRequestAs(null, batchUrl(MAX_BATCH_SIZE + 1)));
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain("Batch call exceeds maximum size");
  });

  it("refuses a batch of 100 mutations the same way", async () => {
    const paths = Array.from({ length: 100 }, () => "tips.send").join(",");
    const request = new NextRequest(`http://127.0.0.1:3000/api/trpc/${paths}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    const response = await POST(request);
    expect(response.status).toBe(400);
  });
});
