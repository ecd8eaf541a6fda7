import { z } from "zod";
import { noSuchResource } from "../errors";
import { newId } from "../ids";
import { paginate } from "../list";
import { buildWebhookEndpoint } from "../objects";
import { boolean, listShape, mergeMetadata, metadata, parseParams, text, textList, url } from "../params";
import { route, type Route } from "../router";

const eventList = z.strictObject({ ...listShape, type: text().optional(), types: textList().optional() });

const createEndpointSchema = z.strictObject({
  url: url(),
  enabled_events: textList().min(1, { error: "must list at least one event type" }),
  description: text().optional(),
  metadata: metadata().optional(),
  api_version: text().optional(),
  connect: boolean().optional(),
});

const updateEndpointSchema = z.strictObject({
  url: url().optional(),
  enabled_events: textList().min(1, { error: "must list at least one event type" }).optional(),
  description: text().optional(),
  metadata: metadata().optional(),
  disabled: boolean().optional(),
});

/** `type` may end in `*` (`charge.*`), as in Stripe's event list filter. */
function typeFilter(type: string | undefined, types: string[] | undefined): (eventType: string) => boolean {
  const patterns = [...(type ? [type] : []), ...(types ?? [])];
  if (patterns.length === 0) return () => true;
  return (eventType) =>
    patterns.some((pattern) => (pattern.endsWith("*") ? eventType.startsWith(pattern.slice(0, -1)) : eventType === pattern));
}

export const eventRoutes: Route[] = [
  route(
    "GET",
    "/v1/events",
    ({ input, caller }, ctx) => {
      const params = parseParams(eventList, input);
      const wanted = typeFilter(params.type, params.types);
      return paginate(ctx.store.events.list(caller.account, (event) => wanted(event.type)), params, "/v1/events");
    },
    { connectedAccounts: true },
  ),

  route("GET", "/v1/events/:id", ({ id, caller }, ctx) => ctx.store.events.require(id, { account: caller.account }), {
    connectedAccounts: true,
  }),

  route("POST", "/v1/webhook_endpoints", ({ input }, ctx) => {
    const params = parseParams(createEndpointSchema, input);
    const endpoint = buildWebhookEndpoint({
      url: params.url,
      enabledEvents: params.enabled_events,
      description: params.description ?? null,
      metadata: mergeMetadata({}, params.metadata),
      apiVersion: params.api_version ?? null,
    }, ctx.clock.now());
    const secret = newId("whsec");
    ctx.store.webhookEndpoints.set(endpoint.id, { endpoint, secret, connect: params.connect ?? false });
    // Like Stripe, the signing secret is returned only when the endpoint is created.
    return { ...endpoint, secret };
  }),

  route("GET", "/v1/webhook_endpoints", ({ input }, ctx) => {
    const params = parseParams(z.strictObject(listShape), input);
    const endpoints = [...ctx.store.webhookEndpoints.values()].map((record) => record.endpoint).reverse();
    return paginate(endpoints, params, "/v1/webhook_endpoints");
  }),

  route("GET", "/v1/webhook_endpoints/:id", ({ id }, ctx) => requireEndpoint(ctx.store.webhookEndpoints, id).endpoint),

  route("POST", "/v1/webhook_endpoints/:id", ({ id, input }, ctx) => {
    const { endpoint } = requireEndpoint(ctx.store.webhookEndpoints, id);
    const params = parseParams(updateEndpointSchema, input);
    endpoint.url = params.url ?? endpoint.url;
    endpoint.enabled_events = params.enabled_events ?? endpoint.enabled_events;
    endpoint.description = params.description ?? endpoint.description;
    endpoint.metadata = mergeMetadata(endpoint.metadata, params.metadata);
    if (params.disabled !== undefined) endpoint.status = params.disabled ? "disabled" : "enabled";
    return endpoint;
  }),

  route("DELETE", "/v1/webhook_endpoints/:id", ({ id }, ctx) => {
    requireEndpoint(ctx.store.webhookEndpoints, id);
    ctx.store.webhookEndpoints.delete(id);
    return { id, object: "webhook_endpoint", deleted: true };
  }),
];

function requireEndpoint<T>(endpoints: Map<string, T>, id: string): T {
  const record = endpoints.get(id);
  if (!record) throw noSuchResource("webhook_endpoint", id);
  return record;
}
