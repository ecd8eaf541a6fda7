import { describe, expect, it } from "vitest";
import { newNonce, pageContentSecurityPolicy, realtimeOrigins, type RealtimeServer } from "./security-headers";

const directive = (policy: string, name: string) => policy.split("; ").find((part) => part.split(" ")[0] === name);

describe("realtimeOrigins", () => {
  it.each<[RealtimeServer, string[]]>([
    [{ host: "127.0.0.1", port: 6001, tls: false }, ["ws://127.0.0.1:6001"]],
    [{ host: "realtime.example.com", port: 443, tls: true }, ["wss://realtime.example.com:443"]],
    [{ host: "realtime.example.com", tls: true }, ["wss://realtime.example.com"]],
    [{ host: "::1", port: 6001, tls: false }, ["ws://[::1]:6001"]],
    [{ cluster: "eu" }, ["wss://ws-eu.pusher.com"]],
  ])("%o → %o", (server, origins) => {
    expect(realtimeOrigins(server)).toEqual(origins);
  });
});

describe("pageContentSecurityPolicy", () => {
  const base = { nonce: "abc123==", realtime: { host: "127.0.0.1", port: 6001, tls: false }, development: false, https: false };

  it.each([
    ["production over HTTP", base, "script-src 'self' 'nonce-abc123==' 'strict-dynamic'", undefined],
    ["development allows eval for fast refresh", { ...base, development: true }, "script-src 'self' 'nonce-abc123==' 'strict-dynamic' 'unsafe-eval'", undefined],
    ["HTTPS upgrades stray http: requests", { ...base, https: true }, "script-src 'self' 'nonce-abc123==' 'strict-dynamic'", "upgrade-insecure-requests"],
  ])("%s", (_case, options, scripts, upgrade) => {
    const policy = pageContentSecurityPolicy(options);
    expect(directive(policy, "script-src")).toBe(scripts);
    expect(directive(policy, "upgrade-insecure-requests")).toBe(upgrade);
    expect(directive(policy, "connect-src")).toBe("connect-src 'self' ws://127.0.0.1:6001");
    expect(directive(policy, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(policy, "object-src")).toBe("object-src 'none'");
    expect(directive(policy, "script-src")).not.toContain("unsafe-inline");
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16);
  });
});
