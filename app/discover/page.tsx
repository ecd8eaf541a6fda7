import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { PerformerAvatar, PerformerCard } from "@/components/performers/performer-card";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";
import { parsePage } from "@/server/domain/discover";
import type { RoomAccess } from "@/server/generated/prisma/enums";

export const metadata: Metadata = { title: "Discover" };

const ACCESS_BADGES: Record<RoomAccess, string | null> = {
  PUBLIC: null,
  MEMBERSHIP: "Fan club members",
  PAID: "Paid entry",
};

/** How long a room has been live, in words; rendered per request, so it needs no clock in the browser. */
function liveFor(onlineSince: Date | null, now: Date): string {
  if (!onlineSince) return "Live now";
  const minutes = Math.floor((now.getTime() - onlineSince.getTime()) / 60_000);
  if (minutes < 1) return "Just went live";
  if (minutes < 60) return `Live for ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `Live for ${hours} h ${minutes % 60} min`;
}

function discoverHref(page: number): string {
  return page > 1 ? `/discover?page=${page}` : "/discover";
}

/** Where a member finds someone: the rooms live right now, then every performer, live ones first. */
export default async function DiscoverPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = parsePage((await searchParams).page);
  const { live, performers } = await (await getServerApi()).performers.discover({ page });
  const now = new Date();

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Discover" description="Who is live right now, and every performer you can tip, watch and support." />

      <section aria-labelledby="live-heading" className="mt-8">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="live-heading" className="text-lg font-semibold">
            Live now
          </h2>
          {live.total > live.rooms.length ? (
            <p className="text-sm text-muted">
              Showing the {live.rooms.length} who went live most recently, of {live.total}.
            </p>
          ) : null}
        </div>
        {live.rooms.length === 0 ? (
          <EmptyState
            className="mt-4"
            title="Nobody is live right now"
            description="Rooms appear here the moment a performer goes live. Meanwhile, browse the performers below."
          />
        ) : (
          <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {live.rooms.map((room) => (
              <li key={room.username} className="flex flex-col gap-4 rounded-card bg-night-900 p-5 text-white shadow-card">
                <div className="flex items-center gap-3">
                  <PerformerAvatar stageName={room.stageName} username={room.username} />
                  <div className="min-w-0">
                    <h3 className="truncate font-semibold">
                      <Link href={`/p/${room.username}`} className="hover:underline">
                        {room.stageName}
                      </Link>
                    </h3>
                    <p className="truncate text-sm text-night-300">{liveFor(room.onlineSince, now)}</p>
                  </div>
                  <Badge tone="danger" className="ml-auto uppercase">
                    <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-red-600" />
                    Live
                  </Badge>
                </div>
                <div className="mt-auto flex flex-wrap items-center justify-between gap-2">
                  {ACCESS_BADGES[room.access] ? <Badge tone="violet">{ACCESS_BADGES[room.access]}</Badge> : <span />}
                  <ButtonLink href={`/room/${room.username}`} size="sm" aria-label={`Enter ${room.stageName}'s room`}>
                    Enter room
                  </ButtonLink>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="performers-heading" className="mt-12">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="performers-heading" className="text-lg font-semibold">
            Performers
          </h2>
          {performers.pageCount > 1 ? (
            <p className="text-sm text-muted">
              Page {performers.page} of {performers.pageCount} · {performers.total} performers
            </p>
          ) : null}
        </div>
        {performers.items.length === 0 ? (
          <EmptyState
            className="mt-4"
            title={performers.total === 0 ? "No performers yet" : "No performers on this page"}
            description={performers.total === 0 ? "Approved performers appear here as soon as they join." : "This page is past the end of the list."}
            action={
              performers.total === 0 ? undefined : (
                <ButtonLink href="/discover" variant="secondary">
                  First page
                </ButtonLink>
              )
            }
          />
        ) : (
          <ul className="mt-4 grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
            {performers.items.map((performer) => (
              <PerformerCard key={performer.username} performer={performer} live={performer.online} />
            ))}
          </ul>
        )}
        {performers.pageCount > 1 ? (
          <nav aria-label="Performer pages" className="mt-6 flex justify-between gap-3">
            {performers.page > 1 ? (
              <ButtonLink href={discoverHref(performers.page - 1)} variant="secondary" size="sm" rel="prev">
                Previous page
              </ButtonLink>
            ) : (
              <span />
            )}
            {performers.page < performers.pageCount ? (
              <ButtonLink href={discoverHref(performers.page + 1)} variant="secondary" size="sm" rel="next">
                Next page
              </ButtonLink>
            ) : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
