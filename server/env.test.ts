import { describe, expect, it, vi } from "vitest";
import { LOCAL_SECRETS, isLocalHost, parseEnv } from "./env";

// env.ts validates this process's environment when imported; unit tests have no database to name.
vi.hoisted(() => {
  process.env.DATABASE_URL ??= "postgres://unit-tests-connect-nowhere/tipmeter";
});

const PRODUCTION = { production: true, build: false };

/** A production environment with real-looking secrets and hosted services. */
const realProduction: Record<string, string | undefined> = {
  NODE_ENV: "production",
  APP_URL: "https://tipmeter.example",
  AUTH_SECRET: "a-production-secret-that-is-long-enough-1234",
  DATABASE_URL: "postgres://app@db.internal:5432/tipmeter",
  STRIPE_SECRET_KEY: "sk_live_realkey",
  STRIPE_WEBHOOK_SECRET: "whsec_realsecret",
  PUSHER_SECRET: "real-pusher-secret",
  PUSHER_CLUSTER: "eu",
};

function problemsOf(source: Record<string, string | undefined>, mode = PRODUCTION): string {
  try {
    parseEnv(source, mode);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("isLocalHost", () => {
  it.each([
    ["localhost", true],
    ["app.localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["::1", true],
    ["[0:0:0:0:0:0:0:1]", true],
    ["0.0.0.0", true],
    ["[::]", true],
    ["[::ffff:7f00:1]", true],
    ["api.stripe.com", false],
    ["10.0.0.5", false],
    ["stripe-mock.internal", false],
    ["[2001:db8::1]", false],
  ])("%s: %s", (hostname, local) => {
    expect(isLocalHost(hostname)).toBe(local);
  });

  it.each(["http://[::1]:12111", "http://0.0.0.0:12111", "http://127.1:12111", "http://2130706433:12111", "http://[::ffff:127.0.0.1]:12111", "http://LOCALHOST:12111"])(
    "the URL %s is this machine however it is spelled",
    (url) => {
      expect(isLocalHost(new URL(url).hostname)).toBe(true);
    },
  );
});

describe("production refuses what would work only on this machine", () => {
  it("starts with real secrets and hosted services", () => {
    expect(problemsOf(realProduction)).toBe("");
  });

  it.each(Object.keys(LOCAL_SECRETS) as (keyof typeof LOCAL_SECRETS)[])("refuses %s left unset (the published local default)", (name) => {
    const source = { ...realProduction };
    delete source[name];
    expect(problemsOf(source)).toContain(`${name}: is the local stand-ins' published default`);
  });

  it.each(Object.entries(LOCAL_SECRETS))("refuses %s set to the local default by hand", (name, value) => {
    expect(problemsOf({ ...realProduction, [name]: value })).toContain(`${name}: is the local stand-ins' published default`);
  });

  it.each(["http://127.0.0.1:12111", "http://[::1]:12111", "http://0.0.0.0:12111", "http://localhost:12111"])("refuses the Stripe emulator at %s", (url) => {
    expect(problemsOf({ ...realProduction, STRIPE_API_URL: url })).toContain("STRIPE_API_URL: points at the local Stripe emulator");
  });

  it("accepts a Stripe API on another host", () => {
    expect(problemsOf({ ...realProduction, STRIPE_API_URL: "https://stripe-proxy.example" })).toBe("");
  });

  it("lets DEMO_MODE run the production build on the local stand-ins", () => {
    const demo = { NODE_ENV: "production", AUTH_SECRET: realProduction.AUTH_SECRET, DATABASE_URL: realProduction.DATABASE_URL, DEMO_MODE: "1", STRIPE_API_URL: "http://127.0.0.1:12111" };
    expect(problemsOf(demo)).toBe("");
  });

  it("lets `next build` through, which has no services yet", () => {
    expect(problemsOf({ NODE_ENV: "production", AUTH_SECRET: realProduction.AUTH_SECRET }, { production: true, build: true })).toBe("");
  });

  it("keeps development free of configuration", () => {
    expect(problemsOf({ DATABASE_URL: "postgres://localhost/tipmeter" }, { production: false, build: false })).toBe("");
  });
});

describe("TRUSTED_PROXIES", () => {
  const dev = { production: false, build: false };
  const base = { DATABASE_URL: "postgres://localhost/tipmeter" };

  it("trusts no proxy by default", () => {
    expect(parseEnv(base, dev).TRUSTED_PROXIES).toEqual([]);
  });

  it("reads addresses and ranges", () => {
    expect(parseEnv({ ...base, TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1 ::1" }, dev).TRUSTED_PROXIES).toHaveLength(3);
  });

  it("names the entries it cannot read", () => {
    expect(problemsOf({ ...base, TRUSTED_PROXIES: "10.0.0.1, lb.internal" }, dev)).toContain(
      "TRUSTED_PROXIES: not an IP address or CIDR range: lb.internal",
    );
  });
});
