import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { TeaserImage } from "@/components/content/content-card";
import { ContentKindBadge, ContentStatusBadge } from "@/components/content/content-kind";
import { ContentViewer } from "@/components/content/content-viewer";
import { UnlockPanel } from "@/components/content/unlock-panel";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { getCurrentUser } from "@/server/auth/session";
import { formatCredits } from "@/server/domain/money";

type Params = Promise<{ itemId: string }>;

/** Shared by generateMetadata and the page within one request. */
const loadItem = cache(async (itemId: string) => {
  const api = await getServerApi();
  try {
    return await api.content.item({ itemId });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const item = await loadItem((await params).itemId);
  return { title: item.title, description: item.teaser.slice(0, 160) || undefined };
}

const ACCESS_NOTES = {
  owner: "This is your item; members see the teaser until they unlock it.",
  admin: "You can open every item as an administrator.",
  unlocked: "You unlocked this item. It stays in your library.",
  membership: "Included in your membership.",
} as const;

export default async function ContentItemPage({ params }: { params: Params }) {
  const item = await loadItem((await params).itemId);
  const viewer = await getCurrentUser();
  const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: `/content/${item.id}` }).toString()}`;

  return (
    <>
      <section className="bg-night-950 text-white">
        <div className="container-page py-10">
          <div className="flex flex-wrap items-center gap-2">
            <ContentKindBadge kind={item.kind} />
            {item.status !== "PUBLISHED" ? <ContentStatusBadge status={item.status} /> : null}
            {item.planName ? <Badge tone="violet">{item.membersOnly ? `Members of ${item.planName} only` : `Free for ${item.planName} members`}</Badge> : null}
          </div>
          <h1 className="mt-3 text-3xl font-bold tracking-tight break-words sm:text-4xl">{item.title}</h1>
          <p className="mt-1 text-night-300">
            by{" "}
            <Link href={`/p/${item.performer.username}`} className="font-semibold text-white hover:underline">
              {item.performer.stageName}
            </Link>
          </p>
        </div>
      </section>
      <div className="container-page grid gap-6 py-10 lg:grid-cols-3 lg:items-start">
        <Card className="overflow-hidden lg:col-span-2" aria-labelledby="content-heading">
          <CardHeader id="content-heading" title={item.access ? "Your content" : "Preview"} />
          <CardBody className="space-y-4">
            {item.access ? (
              <ContentViewer item={item} />
            ) : (
              <>
                <TeaserImage item={item} className="aspect-video w-full rounded-control" />
                {item.teaser ? <p className="leading-relaxed whitespace-pre-line text-fg">{item.teaser}</p> : null}
              </>
            )}
            {item.description ? <p className="leading-relaxed whitespace-pre-line text-muted">{item.description}</p> : null}
          </CardBody>
        </Card>
        <Card aria-labelledby="unlock-heading">
          <CardHeader id="unlock-heading" title={item.access ? "Access" : item.membersOnly ? "Members only" : `${formatCredits(item.price)} credits`} />
          <CardBody className="space-y-3 text-sm">
            {item.access ? (
              <>
                <p className="text-muted">{ACCESS_NOTES[item.access]}</p>
                {item.access === "owner" ? (
                  <ButtonLink href={`/performer/content/${item.id}`} variant="secondary">
                    Edit item
                  </ButtonLink>
                ) : (
                  <ButtonLink href="/library" variant="secondary">
                    Your library
                  </ButtonLink>
                )}
              </>
            ) : (
              <UnlockPanel
                itemId={item.id}
                title={item.title}
                price={item.price}
                stageName={item.performer.stageName}
                signedIn={viewer !== null}
                signInHref={signInHref}
                refusal={item.unlockRefusal}
              />
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
