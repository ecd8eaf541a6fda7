import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PerformerContent } from "@/components/content/performer-content";
import { PlanList } from "@/components/memberships/plan-list";
import { PerformerAvatar } from "@/components/performers/performer-card";
import { TipPanel } from "@/components/tips/tip-panel";
import { Badge } from "@/components/ui/badge";
import { OpenTabButton } from "@/components/tabs/open-tab-dialog";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { getCurrentUser } from "@/server/auth/session";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

type Params = Promise<{ username: string }>;

/** Shared by generateMetadata and the page within one request. */
const loadPerformer = cache(async (username: string) => {
  const api = await getServerApi();
  try {
    return await api.performers.byUsername({ username });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const performer = await loadPerformer((await params).username);
  return { title: performer.stageName, description: performer.bio.slice(0, 160) || undefined };
}

const joinedFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric" });

export default async function PerformerProfilePage({ params }: { params: Params }) {
  const performer = await loadPerformer((await params).username);
  const viewer = await getCurrentUser();
  const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: `/p/${performer.username}` }).toString()}`;
  const room = await (await getServerApi()).rooms.get({ username: performer.username });
  const fanClubs = await (await getServerApi()).memberships.performerPlans({ username: performer.username });
  const content = await (await getServerApi()).content.byPerformer({ username: performer.username });

  return (
    <>
      <section className="bg-night-950 text-white">
        <div className="container-page flex flex-col gap-6 py-12 sm:flex-row sm:items-center">
          <PerformerAvatar stageName={performer.stageName} username={performer.username} size="lg" />
          <div className="min-w-0">
            <Badge tone="accent">Performer</Badge>
            <h1 className="mt-2 text-3xl font-bold tracking-tight break-words sm:text-4xl">{performer.stageName}</h1>
            <p className="mt-1 text-night-300">
              @{performer.username} · on Tipmeter since {joinedFormat.format(performer.createdAt)}
            </p>
          </div>
          <div className="flex items-center gap-3 sm:ml-auto">
            {room.online ? (
              <Badge tone="danger" className="uppercase">
                <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-red-600" />
                Live
              </Badge>
            ) : null}
            {viewer?.role === "MEMBER" ? <OpenTabButton performerId={room.performerId} stageName={performer.stageName} variant="inverse" /> : null}
            <ButtonLink href={`/room/${performer.username}`} variant={room.online ? "primary" : "inverse"}>
              Enter room
            </ButtonLink>
          </div>
        </div>
      </section>
      <div className="container-page grid gap-6 py-10 lg:grid-cols-3 lg:items-start">
        <Card className="lg:col-span-2">
          <CardHeader title="About" />
          <CardBody>
            {performer.bio ? (
              <p className="leading-relaxed whitespace-pre-line text-fg">{performer.bio}</p>
            ) : (
              <p className="text-muted">{performer.stageName} hasn&apos;t written a bio yet.</p>
            )}
          </CardBody>
        </Card>
        <TipPanel
          performerUsername={performer.username}
          stageName={performer.stageName}
          signedIn={viewer !== null}
          signInHref={signInHref}
          ownPage={viewer?.username === performer.username}
          wallet={viewer ? { config: publicPusherConfig(), channel: userChannel(viewer.id) } : null}
        />
      </div>
      <PerformerContent items={content} stageName={performer.stageName} />
      {fanClubs.length > 0 ? (
        <section aria-labelledby="fan-club-heading" className="container-page pb-12">
          <h2 id="fan-club-heading" className="text-xl font-bold tracking-tight text-fg">
            Fan club
          </h2>
          <p className="mt-1 text-muted">
            Members-only perks from {performer.stageName}, paid from your credits. Renews until you cancel.
          </p>
          <PlanList
            className="mt-6"
            plans={fanClubs}
            signInHref={viewer ? null : signInHref}
            ownPlans={viewer?.username === performer.username}
          />
        </section>
      ) : null}
    </>
  );
}
