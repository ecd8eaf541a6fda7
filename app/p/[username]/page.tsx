import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PerformerAvatar } from "@/components/performers/performer-card";
import { TipPanel } from "@/components/tips/tip-panel";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { getCurrentUser } from "@/server/auth/session";

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
        />
      </div>
    </>
  );
}
