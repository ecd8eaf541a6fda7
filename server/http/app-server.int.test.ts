import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { clientIpFrom } from "@/server/auth/client-ip";
import { SIGN_IN_LIMITS, attemptSignIn } from "@/server/auth/sign-in";
import { parseTrustedProxies } from "@/server/domain/client-ip";
import { createClientAddressServer } from "@/server/http/app-server";

/**
 * Our app server in front of a stand-in for Next.js that signs in the way the credentials provider does:
 * the address comes from the X-Forwarded-For header the handler receives. Requests arrive over a real socket
 * from 127.0.0.1, each claiming a new address.
 */
let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function startSignInServer(trustedProxies: string): Promise<string> {
  server = createClientAddressServer(async (request, response) => {
    const result = await attemptSignIn({
      email: String(request.headers["x-test-email"]),
      password: "not the password!",
      ip: clientIpFrom(request.headers),
    });
    response.end(result.ok ? "ok" : result.reason);
  }, parseTrustedProxies(trustedProxies).ranges);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function sprayWithRotatedAddresses(url: string, attempts: number): Promise<string[]> {
  const run = crypto.randomUUID();
  const outcomes: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const response = await fetch(url, {
      headers: { "x-forwarded-for": `198.51.${Math.floor(attempt / 250)}.${attempt % 250}`, "x-test-email": `spray-${run}-${attempt}@tipmeter.test` },
    });
    outcomes.push(await response.text());
  }
  return outcomes;
}

describe("the app server's client address", () => {
  it("ignores a client's rotated X-Forwarded-For: the per-address sign-in limit still applies", async () => {
    const outcomes = await sprayWithRotatedAddresses(await startSignInServer(""), 35);
    expect(outcomes.slice(0, SIGN_IN_LIMITS.perIp.limit).every((outcome) => outcome === "invalid_credentials")).toBe(true);
    expect(outcomes.slice(SIGN_IN_LIMITS.perIp.limit)).toEqual(Array(35 - SIGN_IN_LIMITS.perIp.limit).fill("rate_limited"));
  });

  it("believes the header from a trusted proxy, so clients behind it are told apart", async () => {
    const outcomes = await sprayWithRotatedAddresses(await startSignInServer("127.0.0.1"), 35);
    expect(outcomes.filter((outcome) => outcome === "rate_limited")).toEqual([]);
  });
});
