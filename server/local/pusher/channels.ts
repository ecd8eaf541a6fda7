import { channelEvent, channelKind, type OutgoingMessage } from "./protocol";

/**
 * Who is subscribed to what. Presence channels additionally track members by user id: a user connected from
 * several sockets is one member, added with their first socket and removed with their last.
 */

export interface Subscriber {
  readonly socketId: string;
  send(message: OutgoingMessage): void;
}

export interface PresenceMemberData {
  userId: string;
  userInfo: unknown;
}

export interface PresenceSnapshot {
  presence: { ids: string[]; hash: Record<string, unknown>; count: number };
}

/** Changes other parts (webhooks) care about; member events for presence channels only. */
export type ChannelChange =
  | { type: "channel_occupied" | "channel_vacated"; channel: string }
  | { type: "member_added" | "member_removed"; channel: string; userId: string };

export interface ChannelSummary {
  name: string;
  subscriptionCount: number;
  /** Presence channels only. */
  userCount?: number;
}

interface PresenceMember {
  userInfo: unknown;
  socketIds: Set<string>;
}

class Channel {
  readonly subscribers = new Map<string, Subscriber>();
  /** Presence channels only: user id → member, and socket id → user id. */
  readonly members = new Map<string, PresenceMember>();
  readonly userIdBySocket = new Map<string, string>();

  constructor(readonly name: string) {}

  get isPresence(): boolean {
    return channelKind(this.name) === "presence";
  }

  summary(): ChannelSummary {
    return {
      name: this.name,
      subscriptionCount: this.subscribers.size,
      ...(this.isPresence ? { userCount: this.members.size } : {}),
    };
  }

  presenceSnapshot(): PresenceSnapshot {
    const hash: Record<string, unknown> = {};
    for (const [userId, member] of this.members) hash[userId] = member.userInfo;
    return { presence: { ids: [...this.members.keys()], hash, count: this.members.size } };
  }

  broadcast(message: OutgoingMessage, exceptSocketId?: string): void {
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.socketId !== exceptSocketId) subscriber.send(message);
    }
  }
}

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly onChange: (change: ChannelChange) => void = () => {}) {}

  /**
   * Adds the subscriber (idempotent) and returns the data for its `subscription_succeeded`: the member list on
   * presence channels, which includes the subscriber itself.
   */
  subscribe(channelName: string, subscriber: Subscriber, member?: PresenceMemberData): PresenceSnapshot | undefined {
    let channel = this.channels.get(channelName);
    if (!channel) {
      channel = new Channel(channelName);
      this.channels.set(channelName, channel);
    }
    const alreadySubscribed = channel.subscribers.has(subscriber.socketId);
    channel.subscribers.set(subscriber.socketId, subscriber);
    if (!alreadySubscribed && channel.subscribers.size === 1) {
      this.onChange({ type: "channel_occupied", channel: channelName });
    }
    if (!channel.isPresence) return undefined;
    if (member && !alreadySubscribed) this.addMember(channel, subscriber.socketId, member);
    return channel.presenceSnapshot();
  }

  unsubscribe(channelName: string, socketId: string): void {
    const channel = this.channels.get(channelName);
    if (!channel?.subscribers.delete(socketId)) return;
    if (channel.isPresence) this.removeMember(channel, socketId);
    if (channel.subscribers.size === 0) {
      this.channels.delete(channelName);
      this.onChange({ type: "channel_vacated", channel: channelName });
    }
  }

  publish(channelName: string, message: OutgoingMessage, exceptSocketId?: string): void {
    this.channels.get(channelName)?.broadcast(message, exceptSocketId);
  }

  isSubscribed(channelName: string, socketId: string): boolean {
    return this.channels.get(channelName)?.subscribers.has(socketId) ?? false;
  }

  /** The presence member a socket joined as, for tagging its client events. */
  presenceUserId(channelName: string, socketId: string): string | undefined {
    return this.channels.get(channelName)?.userIdBySocket.get(socketId);
  }

  /** Occupied channels only: Pusher reports a channel without subscribers as not existing. */
  summary(channelName: string): ChannelSummary | undefined {
    return this.channels.get(channelName)?.summary();
  }

  occupiedChannels(): ChannelSummary[] {
    return [...this.channels.values()].map((channel) => channel.summary());
  }

  presenceUserIds(channelName: string): string[] {
    return [...(this.channels.get(channelName)?.members.keys() ?? [])];
  }

  private addMember(channel: Channel, socketId: string, member: PresenceMemberData): void {
    channel.userIdBySocket.set(socketId, member.userId);
    const existing = channel.members.get(member.userId);
    if (existing) {
      existing.socketIds.add(socketId);
      return;
    }
    channel.members.set(member.userId, { userInfo: member.userInfo, socketIds: new Set([socketId]) });
    channel.broadcast(
      channelEvent("pusher_internal:member_added", channel.name, { user_id: member.userId, user_info: member.userInfo }),
      socketId,
    );
    this.onChange({ type: "member_added", channel: channel.name, userId: member.userId });
  }

  private removeMember(channel: Channel, socketId: string): void {
    const userId = channel.userIdBySocket.get(socketId);
    if (userId === undefined) return;
    channel.userIdBySocket.delete(socketId);
    const member = channel.members.get(userId);
    member?.socketIds.delete(socketId);
    if (!member || member.socketIds.size > 0) return;
    channel.members.delete(userId);
    channel.broadcast(channelEvent("pusher_internal:member_removed", channel.name, { user_id: userId }));
    this.onChange({ type: "member_removed", channel: channel.name, userId });
  }
}
