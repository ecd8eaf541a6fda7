import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { RoomView } from "@/components/rooms/room-view";
import { ShowPanel } from "@/components/shows/show-panel";
import { PerformerTabs } from "@/components/tabs/performer-tabs";
import { RoomTabPanel } from "@/components/tabs/room-tab-panel";
import { getServerApi } from "@/server/api/server";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

type Params = Promise<{ username: string }>;

/** Shared by generateMetadata and the page within one request. */
const loadRoom = cache(async (username: string) => {
  const api = await getServerApi();
  try {
    return await api.rooms.get({ username });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const room = await loadRoom((await params).username);
  return { title: `${room.stageName}'s room` };
}

/** A performer's live room; public, so signed-out visitors see the stage and are asked to sign in to join. */
export default async function RoomPage({ params }: { params: Params }) {
  const room = await loadRoom((await params).username);
  const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: `/room/${room.username}` }).toString()}`;
  const config = publicPusherConfig();
  const viewer = room.viewer;
  // Shows are between a member and the room's performer; admins and other performers only watch.
  const showPanel =
    viewer && (viewer.id === room.performerId || viewer.role === "MEMBER") ? (
      <ShowPanel
        performerId={room.performerId}
        viewerRole={viewer.id === room.performerId ? "performer" : "member"}
        room={room}
        realtime={{ config, channel: userChannel(viewer.id) }}
      />
    ) : null;
  const realtime = viewer ? { config, channel: userChannel(viewer.id) } : null;
  // A member pays by card tab in the room; the performer sees the tabs open with them.
  const tabPanel =
    realtime && viewer?.id === room.performerId ? (
      <PerformerTabs realtime={realtime} liveOnly />
    ) : realtime && viewer?.role === "MEMBER" ? (
      <RoomTabPanel performerId={room.performerId} stageName={room.stageName} realtime={realtime} />
    ) : null;
  return (
    <RoomView
      initialRoom={room}
      config={config}
      walletChannel={viewer ? userChannel(viewer.id) : null}
      signInHref={signInHref}
      showPanel={showPanel}
      tabPanel={tabPanel}
    />
  );
}
