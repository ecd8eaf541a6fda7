import "server-only";
import Stripe from "stripe";
import { env } from "@/server/env";

/**
 * The Stripe adapter's client: the real SDK, pointed at the local emulator when STRIPE_API_URL is set (dev, tests,
 * demo) and at api.stripe.com otherwise. Only the adapter (and tests driving the emulator) may use it; services go
 * through `payments()`.
 */
function createClient(): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, appInfo: { name: "Tipmeter" } };
  if (env.STRIPE_API_URL) {
    const apiUrl = new URL(env.STRIPE_API_URL);
    const protocol = apiUrl.protocol === "http:" ? "http" : "https";
    config.host = apiUrl.hostname;
    config.port = Number(apiUrl.port || (protocol === "http" ? 80 : 443));
    config.protocol = protocol;
  }
  return new Stripe(env.STRIPE_SECRET_KEY, config);
}

let client: Stripe | undefined;

/** The shared client, created on first use so that importing this module does no work. */
export function stripe(): Stripe {
  client ??= createClient();
  return client;
}
