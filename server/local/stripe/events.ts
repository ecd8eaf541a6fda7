import type Stripe from "stripe";
import type { Clock } from "./clock";
import { buildEvent, type StripeEvent } from "./objects";
import type { Store } from "./store";
import type { DeliveryRecord, WebhookDispatcher, WebhookTarget } from "./webhooks";

/** The API request that caused an event (`event.request`); null for customer actions and test controls. */
export interface RequestOrigin {
  id: string;
  idempotencyKey: string | null;
}

export interface EmitOptions {
  /** The connected account the object lives on; such events carry `account` and go to Connect endpoints. */
  account?: string | null;
  previousAttributes?: Record<string, unknown>;
  origin?: RequestOrigin | null;
}

/** Creates Stripe-shaped events, stores them for /v1/events and hands them to the webhook dispatcher. */
export class EventBus {
  private readonly deliveries = new Map<string, DeliveryRecord[]>();

  constructor(
    private readonly store: Store,
    private readonly dispatcher: WebhookDispatcher,
    private readonly forwardTarget: WebhookTarget | null,
    private readonly apiVersion: string,
    private readonly clock: Clock,
  ) {}

  emit(type: Stripe.Event.Type, object: object, options: EmitOptions = {}): StripeEvent {
    const account = options.account ?? null;
    const targets = this.targetsFor(type, account);
    const event = buildEvent({
      type,
      // The event keeps the object as it was now, however it changes later.
      object: structuredClone(object),
      previousAttributes: options.previousAttributes ?? null,
      account,
      apiVersion: this.apiVersion,
      request: { id: options.origin?.id ?? null, idempotency_key: options.origin?.idempotencyKey ?? null },
      pendingWebhooks: targets.length,
    }, this.clock.now());
    this.store.events.add(event, account);
    this.deliveries.set(event.id, this.send(event, targets));
    return event;
  }

  /** Delivers a past event again, unchanged, to every target that would receive it now. */
  resend(eventId: string): DeliveryRecord[] {
    const event = this.store.events.require(eventId);
    const targets = this.targetsFor(event.type, event.account ?? null);
    event.pending_webhooks += targets.length;
    const records = this.send(event, targets);
    this.deliveries.get(event.id)?.push(...records);
    return records;
  }

  deliveriesOf(eventId: string): DeliveryRecord[] {
    return this.deliveries.get(eventId) ?? [];
  }

  reset(): void {
    this.deliveries.clear();
  }

  private send(event: StripeEvent, targets: WebhookTarget[]): DeliveryRecord[] {
    const delivered = () => {
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
    };
    return targets.map((target) => this.dispatcher.deliver(event, target, delivered));
  }

  private targetsFor(type: string, account: string | null): WebhookTarget[] {
    const targets: WebhookTarget[] = this.forwardTarget ? [this.forwardTarget] : [];
    for (const { endpoint, secret, connect } of this.store.webhookEndpoints.values()) {
      const subscribed = endpoint.enabled_events.includes("*") || endpoint.enabled_events.includes(type);
      if (endpoint.status === "enabled" && subscribed && connect === (account !== null)) {
        targets.push({ url: endpoint.url, secret, endpointId: endpoint.id });
      }
    }
    return targets;
  }
}
