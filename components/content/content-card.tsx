import Link from "next/link";
import { ContentKindBadge, ContentKindIcon } from "@/components/content/content-kind";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { ContentAccess, ContentKind } from "@/server/domain/content-rules";
import { formatCredits } from "@/server/domain/money";

export interface ContentCardData {
  id: string;
  kind: ContentKind;
  title: string;
  teaser: string;
  price: bigint;
  teaserUrl: string | null;
  membersOnly: boolean;
  planName: string | null;
  access: ContentAccess | null;
  performer: { username: string; stageName: string };
}

/** The teaser image, or the kind's icon on a gradient when the performer uploaded none; `className` sizes it. */
export function TeaserImage({ item, className }: { item: Pick<ContentCardData, "kind" | "teaserUrl" | "title">; className?: string }) {
  if (item.teaserUrl) {
    // Served by our own access-checked route; next/image would proxy and cache it outside that check.
    // eslint-disable-next-line @next/next/no-img-element
    return <img src={item.teaserUrl} alt={`Teaser for ${item.title}`} className={cn("object-cover", className)} />;
  }
  return (
    <div className={cn("grid place-items-center bg-linear-to-br from-night-800 to-accent-700 text-white/80", className)}>
      <ContentKindIcon kind={item.kind} className="size-10" />
    </div>
  );
}

function AccessBadge({ item }: { item: ContentCardData }) {
  switch (item.access) {
    case "unlocked":
      return <Badge tone="success">Unlocked</Badge>;
    case "membership":
      return <Badge tone="violet">Members</Badge>;
    case "owner":
      return <Badge tone="info">Yours</Badge>;
    case "admin":
    case null:
      return item.planName ? <Badge tone="violet">{item.membersOnly ? "Members only" : "Free for members"}</Badge> : null;
  }
}

/** One item in a grid of items: teaser, kind, price and the viewer's access, linking to the item page. */
export function ContentCard({ item, showPerformer = false }: { item: ContentCardData; showPerformer?: boolean }) {
  const open = item.access === "unlocked" || item.access === "membership" || item.access === "owner";
  return (
    <li className="group relative flex flex-col overflow-hidden rounded-card border border-line bg-surface shadow-card transition-shadow hover:shadow-pop">
      <TeaserImage item={item} className="aspect-video w-full" />
      <div className="flex flex-1 flex-col gap-2 p-4">
        <div className="flex flex-wrap items-center gap-1.5">
          <ContentKindBadge kind={item.kind} />
          <AccessBadge item={item} />
        </div>
        <h3 className="font-semibold text-fg">
          <Link href={`/content/${item.id}`} className="after:absolute after:inset-0 after:rounded-card focus:outline-none">
            {item.title}
          </Link>
        </h3>
        {showPerformer ? <p className="text-sm text-muted">{item.performer.stageName}</p> : null}
        {item.teaser ? <p className="line-clamp-2 text-sm text-muted">{item.teaser}</p> : null}
        <p className="mt-auto pt-1 text-sm font-semibold text-accent-700 group-hover:underline">
          {open ? "Open →" : item.membersOnly ? "For members →" : `${formatCredits(item.price)} credits →`}
        </p>
      </div>
    </li>
  );
}
