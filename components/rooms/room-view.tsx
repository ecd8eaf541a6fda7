"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import type { ChannelStatus } from "@/components/realtime/shared-pusher";
import { RequestPaymentCard } from "@/components/payment-requests/request-form";
import { useRoomPaymentRequests } from "@/components/payment-requests/room-payment-requests";
import { RoomChat } from "@/components/rooms/room-chat";
import { type RoomEvent, mergeChatMessages, sortRoomMembers } from "@/components/rooms/room-events";
import { type FeedTip, RoomFeed } from "@/components/rooms/room-feed";
import { RoomPeople } from "@/components/rooms/room-people";
import { RoomSettingsCard } from "@/components/rooms/room-settings-form";
import { RoomStage } from "@/components/rooms/room-stage";
import { useRoomChannel } from "@/components/rooms/use-room-channel";
import { TipPanel } from "@/components/tips/tip-panel";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { useToast } from "@/components/ui/toast";
import { RECENT_MESSAGES_LIMIT } from "@/server/domain/rooms";
import type { PublicPusherConfig } from "@/server/integrations/pusher";
import type { RoomView as Room } from "@/server/services/rooms";

const FEED_LENGTH = 50;

const STATUS_BADGES: Record<ChannelStatus, ReactNode> = {
  live: <Badge tone="success">Connected</Badge>,
  connecting: <Badge tone="warning">Connecting…</Badge>,
  offline: <Badge>Offline</Badge>,
  refused: <Badge tone="danger">Not allowed</Badge>,
};

interface RoomViewProps {
  initialRoom: Room;
  config: PublicPusherConfig;
  /** The viewer's private channel (userChannel), for the live balance in the tip box; null when signed out. */
  walletChannel: string | null;
  signInHref: string;
  /** The shows panel (components/shows) for signed-in viewers, placed by the page. */
  showPanel: ReactNode;
  /** The card tab panel (components/tabs): the member's tab, or the performer's open tabs; placed by the page. */
  tabPanel: ReactNode;
}

/** The performer's own switch: go live, or go offline (which ends their shows in progress). */
function OnlineSwitch({ online }: { online: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const setOnline = useMutation(trpc.rooms.setOnline.mutationOptions());
  const [confirming, setConfirming] = useState(false);

  function change(next: boolean) {
    setOnline.mutate(
      { online: next },
      {
        onSuccess: () => {
          setConfirming(false);
          void queryClient.invalidateQueries(trpc.rooms.get.pathFilter());
          toast.success(next ? "You're live" : "You're offline", next ? "Members can see you're in your room." : "Your room shows you as offline.");
        },
        onError: (error) => {
          setConfirming(false);
          toast.error("That didn't work", describeTrpcError(error).message);
        },
      },
    );
  }

  return (
    <>
      {online ? (
        <Button variant="inverse" onClick={() => setConfirming(true)}>
          Go offline
        </Button>
      ) : (
        <Button onClick={() => change(true)} loading={setOnline.isPending}>
          Go live
        </Button>
      )}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => change(false)}
        pending={setOnline.isPending}
        title="Go offline?"
        description="Any show in progress ends now and is settled. Members stay in the room and see you as offline."
        confirmLabel="Go offline"
      />
    </>
  );
}

/**
 * A performer's room for everyone who opens it: the stage, and for those allowed in, the presence list, chat,
 * room feed, tips and shows over the room's presence channel. A member removed while here leaves the channel at
 * once and sees why; the server refuses them everything in the room anyway.
 */
export function RoomView({ initialRoom, config, walletChannel, signInHref, showPanel, tabPanel }: RoomViewProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { data: room } = useQuery(trpc.rooms.get.queryOptions({ username: initialRoom.username }, { initialData: initialRoom }));
  const [kicked, setKicked] = useState(false);
  const [tips, setTips] = useState<FeedTip[]>([]);
  const tipCount = useRef(0);

  const viewer = room.viewer;
  const isPerformer = viewer?.id === room.performerId;
  const moderator = isPerformer || viewer?.role === "ADMIN";
  const removed = kicked || viewer?.removed === true;
  const inRoom = room.canJoin && !removed;
  const refreshRoom = () => void queryClient.invalidateQueries(trpc.rooms.get.pathFilter());

  function onRoomEvent(event: RoomEvent) {
    switch (event.type) {
      case "chat":
        queryClient.setQueryData(trpc.rooms.messages.queryKey({ performerId: room.performerId }), (current) =>
          mergeChatMessages(current ?? [], [event.message], RECENT_MESSAGES_LIMIT),
        );
        return;
      case "status":
        refreshRoom();
        return;
      case "tip":
        tipCount.current += 1;
        setTips((current) => [{ ...event.tip, seq: tipCount.current }, ...current].slice(0, FEED_LENGTH));
        return;
      case "removed":
        if (event.memberId === viewer?.id) {
          setKicked(true);
          toast.error("You were removed from this room", `${room.stageName} removed you.`);
        }
        if (moderator) void queryClient.invalidateQueries(trpc.rooms.restrictions.pathFilter());
        return;
      case "muted":
        if (event.memberId === viewer?.id) refreshRoom();
        if (moderator) void queryClient.invalidateQueries(trpc.rooms.restrictions.pathFilter());
        return;
    }
  }

  const { status, members } = useRoomChannel({ config, performerId: room.performerId, inRoom, onRoomEvent, onRefused: refreshRoom });
  const paymentRequests = useRoomPaymentRequests({
    performerId: room.performerId,
    isPerformer,
    enabled: viewer !== null && inRoom,
    config,
    channel: walletChannel,
  });

  function body() {
    if (removed) {
      return (
        <EmptyState
          className="lg:col-span-3"
          title="You were removed from this room"
          description={`${room.stageName} removed you, so you can't watch, chat or join shows here.`}
          action={<ButtonLink href={`/p/${room.username}`} variant="secondary">Back to {room.stageName}&apos;s page</ButtonLink>}
        />
      );
    }
    const tipPanel = (
      <TipPanel
        performerUsername={room.username}
        stageName={room.stageName}
        signedIn={viewer !== null}
        signInHref={signInHref}
        ownPage={isPerformer}
        wallet={walletChannel ? { config, channel: walletChannel } : null}
      />
    );
    if (!viewer) {
      return (
        <>
          <EmptyState
            className="lg:col-span-2"
            title="Sign in to join the room"
            description="See who's here, chat with the performer and everyone else, and request a private show."
            action={<ButtonLink href={signInHref}>Sign in to join</ButtonLink>}
          />
          {tipPanel}
        </>
      );
    }
    if (!room.canJoin) {
      return (
        <EmptyState
          className="lg:col-span-3"
          title="You can't enter this room yet"
          description={room.joinRefusal}
          action={<ButtonLink href={`/p/${room.username}`} variant="secondary">See {room.stageName}&apos;s page</ButtonLink>}
        />
      );
    }
    return (
      <>
        <div className="space-y-6 lg:col-span-2">
          <RoomChat
            performerId={room.performerId}
            muted={viewer.muted}
            status={STATUS_BADGES[status]}
            onRefused={refreshRoom}
            privateLines={paymentRequests.lines}
          />
          {isPerformer ? <RoomSettingsCard /> : null}
        </div>
        <div className="space-y-6">
          {paymentRequests.dialogs}
          {isPerformer ? (
            <RequestPaymentCard members={sortRoomMembers(members.values(), room.performerId).filter((member) => member.id !== room.performerId && member.role !== "ADMIN")} />
          ) : null}
          {showPanel}
          {tabPanel}
          {tipPanel}
          <RoomFeed tips={tips} />
          <RoomPeople
            performerId={room.performerId}
            members={sortRoomMembers(members.values(), room.performerId)}
            viewerId={viewer.id}
            moderator={moderator}
          />
        </div>
      </>
    );
  }

  return (
    <>
      <RoomStage
        stageName={room.stageName}
        username={room.username}
        online={room.online}
        onlineSince={room.onlineSince}
        present={inRoom && status === "live" ? members.size : null}
        controls={isPerformer ? <OnlineSwitch online={room.online} /> : null}
      />
      <div className="container-page grid gap-6 py-8 lg:grid-cols-3 lg:items-start">{body()}</div>
    </>
  );
}
