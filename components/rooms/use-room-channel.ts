"use client";

import type { PresenceChannel } from "pusher-js";
import { useState } from "react";
import { type RoomEvent, type RoomMember, roomEventHandlers, roomMemberFrom } from "@/components/rooms/room-events";
import { type ChannelStatus, SUBSCRIPTION_ERROR, SUBSCRIPTION_SUCCEEDED, useSharedChannel } from "@/components/realtime/shared-pusher";
import { roomChannel } from "@/server/domain/realtime-events";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const MEMBER_ADDED = "pusher:member_added";
const MEMBER_REMOVED = "pusher:member_removed";

/**
 * Being in the performer's room: the presence channel on the tab's one connection, the members present, and the
 * room's events. `inRoom` false leaves the channel (signed out, not allowed, or just removed).
 */
export function useRoomChannel({
  config,
  performerId,
  inRoom,
  onRoomEvent,
  onRefused,
}: {
  config: PublicPusherConfig;
  performerId: string;
  inRoom: boolean;
  onRoomEvent: (event: RoomEvent) => void;
  /** The auth endpoint refused the subscription: the room's rules changed since the page loaded. */
  onRefused: () => void;
}): { status: ChannelStatus; members: Map<string, RoomMember> } {
  const [members, setMembers] = useState<Map<string, RoomMember>>(new Map());

  const status = useSharedChannel({
    config,
    channel: inRoom ? roomChannel(performerId) : null,
    on: roomEventHandlers(onRoomEvent),
    onPusherEvent: (event, data, subscription) => {
      if (event === SUBSCRIPTION_SUCCEEDED) {
        const present = new Map<string, RoomMember>();
        (subscription as PresenceChannel).members.each((raw: unknown) => {
          const member = roomMemberFrom(raw);
          if (member) present.set(member.id, member);
        });
        setMembers(present);
      } else if (event === SUBSCRIPTION_ERROR) {
        onRefused();
      } else if (event === MEMBER_ADDED) {
        const member = roomMemberFrom(data);
        if (member) setMembers((current) => new Map(current).set(member.id, member));
      } else if (event === MEMBER_REMOVED) {
        const member = roomMemberFrom(data);
        if (member) {
          setMembers((current) => {
            const next = new Map(current);
            next.delete(member.id);
            return next;
          });
        }
      }
    },
  });

  return { status: inRoom ? status : "offline", members: inRoom ? members : new Map() };
}
