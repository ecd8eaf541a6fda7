import { z } from "zod";

/**
 * Every realtime event the app sends: its name, the kinds of channel it goes on and its payload as it travels
 * (JSON: amounts as decimal strings, instants as ISO strings). The server publishes through realtimeEvent
 * (server/outbox/realtime.ts), which type-checks a payload and its channels against its name; the browser binds
 * through bindRealtime (components/realtime/bind-realtime.ts), which hands a handler the payload checked against
 * the same schema. Payloads name what changed; pages refetch what they show, or convert amounts themselves.
 */

/** `private-user-<id>`: a user's own notifications; only that user may subscribe. */
export function userChannel(userId: string): UserChannel {
  return `private-user-${userId}`;
}

/** `presence-room-<performerId>`: a performer's live room; presence shows who is watching. */
export function roomChannel(performerId: string): RoomChannel {
  return `presence-room-${performerId}`;
}

/** Every admin's view of what needs them (withdrawal queue, store orders); only admins may subscribe. */
export const ADMINS_CHANNEL = "private-admins";

export type UserChannel = `private-user-${string}`;
export type RoomChannel = `presence-room-${string}`;

interface ChannelNames {
  user: UserChannel;
  room: RoomChannel;
  admins: typeof ADMINS_CHANNEL;
}
export type ChannelKind = keyof ChannelNames;

/** The kind of a channel, from its name; null for a channel no event of the app goes on. */
export function channelKindOf(channel: string): ChannelKind | null {
  if (channel === ADMINS_CHANNEL) return "admins";
  if (channel.startsWith(userChannel(""))) return "user";
  if (channel.startsWith(roomChannel(""))) return "room";
  return null;
}

/** Whole numbers travel as decimal strings: JSON has no bigint. */
const digits = z.string().regex(/^\d+$/);
const credits = digits;
/** Balances can be negative (a dispute lost after the credits were spent). */
const signedCredits = z.string().regex(/^-?\d+$/);
const instant = z.iso.datetime();
const statusChange = z.object({ id: z.string(), status: z.string() });
/** A show as one side sees it, rendered at delivery; listeners read only which show it is and refetch the meter. */
const showView = z.looseObject({ showId: z.string() });

function event<const Kinds extends readonly ChannelKind[], Payload extends z.ZodType<object>>(channels: Kinds, payload: Payload) {
  return { channels, payload };
}

export const REALTIME_EVENTS = {
  /** The user's balances as they are at delivery. */
  "wallet.updated": event(
    ["user"],
    z.object({
      available: signedCredits,
      earnings: signedCredits,
      pending: signedCredits,
      held: signedCredits,
      restricted: z.boolean(),
      /** Every wallet's balance by wallet type id, in its currency's minor units. */
      wallets: z.record(z.string(), signedCredits),
    }),
  ),
  /** Value moved into the member's active wallet: an automatic top-up during a show, or the room's Top up button. */
  "wallet.topped_up": event(
    ["user"],
    z.object({
      automatic: z.boolean(),
      fromWalletTypeId: z.string(),
      fromWallet: z.string(),
      fromCurrency: z.string(),
      /** Taken from the source, in its minor units. */
      amount: digits,
      toWalletTypeId: z.string(),
      toWallet: z.string(),
      toCurrency: z.string(),
      /** Credited to the active wallet, in its minor units. */
      result: digits,
      at: instant,
    }),
  ),
  /** An automatic top-up was due and did not run (the source short of funds, the day's limit); told once per crossing. */
  "wallet.top_up_refused": event(["user"], z.object({ reason: z.string(), message: z.string(), at: instant })),
  /** A tip landed, on the performer's channel. */
  "tip.received": event(
    ["user"],
    z.object({ transactionId: z.string(), fromDisplayName: z.string(), amount: credits, net: credits, message: z.string().nullable(), at: instant }),
  ),
  /** A card payment behind one of the performer's sales had its processor fee read, for the business revenue page. */
  "revenue.updated": event(["user"], z.object({ paymentId: z.string() })),
  /** A member asked the performer for a private show. */
  "show.requested": event(["user"], showView),
  /** A show moved (started, paused, resumed, charged, ran low), to each side taking part. */
  "show.updated": event(["user"], showView),
  /** A show or one member's meter in it ended; `charged` is what that side's meter(s) charged in total. */
  "show.ended": event(["user"], z.object({ showId: z.string(), reason: z.string().nullable(), charged: credits })),
  /** A withdrawal's new status, to its performer and to admins. */
  "withdrawal.updated": event(["user", "admins"], statusChange),
  /** A store order's new status, to its buyer and seller and to admins. */
  "order.updated": event(["user", "admins"], statusChange),
  "chat.message": event(
    ["room"],
    z.object({ id: digits, senderId: z.string(), senderName: z.string(), fromPerformer: z.boolean(), body: z.string(), at: instant }),
  ),
  /** The room went online or offline. */
  "room.status": event(["room"], z.object({ online: z.boolean() })),
  /** A tip announced to everyone in the room. */
  "room.tip": event(["room"], z.object({ fromDisplayName: z.string(), amount: credits, message: z.string().nullable(), at: instant })),
  "member.removed": event(["room"], z.object({ memberId: z.string() })),
  "member.muted": event(["room"], z.object({ memberId: z.string(), muted: z.boolean() })),
  /** A card tab changed (opened, charged, captured, failed, settled), to its member, its performer and admins; pages refetch it. */
  "tab.updated": event(["user", "admins"], z.object({ tabId: z.string(), status: z.string(), message: z.string().nullable(), at: instant })),
  /** A payment request was sent or changed (paid, declined, expired, service times, shipping), to both its sides. */
  "payment_request.updated": event(
    ["user"],
    z.object({
      id: z.string(),
      performerId: z.string(),
      memberId: z.string(),
      status: z.enum(["PENDING", "PAID", "DECLINED", "EXPIRED"]),
      change: z.enum(["sent", "paid", "declined", "expired", "service_started", "service_finished", "shipping"]),
    }),
  ),
};

type Catalogue = typeof REALTIME_EVENTS;
export type RealtimeEventName = keyof Catalogue;
export const REALTIME_EVENT_NAMES = Object.keys(REALTIME_EVENTS) as RealtimeEventName[];

export type RealtimePayload<Name extends RealtimeEventName> = z.output<Catalogue[Name]["payload"]>;
/** The channels an event may go on: `order.updated` on a user's or the admins' channel, never a room's. */
export type RealtimeChannel<Name extends RealtimeEventName> = ChannelNames[Catalogue[Name]["channels"][number]];

/** The events the relay renders at delivery from a show-view outbox message. */
export type ShowViewEvent = "show.requested" | "show.updated";

export type WalletUpdatedPayload = RealtimePayload<"wallet.updated">;
export type WalletToppedUpPayload = RealtimePayload<"wallet.topped_up">;
export type WalletTopUpRefusedPayload = RealtimePayload<"wallet.top_up_refused">;
export type TipReceivedPayload = RealtimePayload<"tip.received">;
export type ShowViewPayload = RealtimePayload<"show.updated">;
export type ShowEndedPayload = RealtimePayload<"show.ended">;
export type StatusChangePayload = RealtimePayload<"order.updated">;
export type ChatMessagePayload = RealtimePayload<"chat.message">;
export type RoomStatusPayload = RealtimePayload<"room.status">;
export type RoomTipPayload = RealtimePayload<"room.tip">;
export type MemberRemovedPayload = RealtimePayload<"member.removed">;
export type MemberMutedPayload = RealtimePayload<"member.muted">;
export type TabUpdatedPayload = RealtimePayload<"tab.updated">;
export type PaymentRequestUpdatedPayload = RealtimePayload<"payment_request.updated">;

export function isRealtimeEventName(name: string): name is RealtimeEventName {
  return Object.hasOwn(REALTIME_EVENTS, name);
}

/** A received payload checked against its event's schema, or null when it is not what that event carries. */
export function realtimePayload<Name extends RealtimeEventName>(name: Name, data: unknown): RealtimePayload<Name> | null {
  const parsed = REALTIME_EVENTS[name].payload.safeParse(data);
  return parsed.success ? (parsed.data as RealtimePayload<Name>) : null;
}
