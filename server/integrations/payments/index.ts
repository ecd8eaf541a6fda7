import "server-only";
import type { GatewayName, PaymentGateway } from "./gateway";
import { stripeGateway } from "./stripe/adapter";

/**
 * The payment gateway services use: `payments()` is the processor new payments go through; `payments(name)`
 * is the one that verified an event or holds an older payment. Services import only this module.
 */
const GATEWAYS: Record<GatewayName, PaymentGateway> = { stripe: stripeGateway };

export function payments(name: GatewayName = "stripe"): PaymentGateway {
  return GATEWAYS[name];
}

export * from "./gateway";
