import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { formatCredits } from "@/server/domain/money";
import type { StoreItemKind } from "@/server/generated/prisma/enums";

export interface StoreItemSummary {
  id: string;
  kind: StoreItemKind;
  title: string;
  description: string;
  price: bigint;
  stock: number | null;
  soldOut: boolean;
  seller: { username: string; stageName: string } | null;
}

export function sellerName(seller: StoreItemSummary["seller"]): string {
  return seller ? seller.stageName : "Tipmeter";
}

/** "Sold out", "3 left", or nothing for unlimited stock. */
export function StockBadge({ stock }: { stock: number | null }) {
  if (stock === null) return null;
  if (stock === 0) return <Badge tone="danger">Sold out</Badge>;
  return <Badge tone={stock <= 5 ? "warning" : "neutral"}>{formatCredits(BigInt(stock))} left</Badge>;
}

export function KindBadge({ kind }: { kind: StoreItemKind }) {
  return kind === "DIGITAL" ? <Badge tone="violet">Digital download</Badge> : <Badge tone="info">Shipped to you</Badge>;
}

/** One item in the store grid: the whole card links to the item's page. */
export function StoreItemCard({ item }: { item: StoreItemSummary }) {
  const headingId = `store-item-${item.id}`;
  return (
    <li>
      <article
        aria-labelledby={headingId}
        className={cn(
          "relative flex h-full flex-col rounded-card border border-line bg-surface p-5 shadow-card transition-shadow hover:shadow-pop",
          item.soldOut && "opacity-75",
        )}
      >
        <div className="flex flex-wrap items-center gap-2">
          <KindBadge kind={item.kind} />
          <StockBadge stock={item.stock} />
        </div>
        <h2 id={headingId} className="mt-3 text-lg font-semibold">
          <Link href={`/store/${item.id}`} className="after:absolute after:inset-0 hover:underline">
            {item.title}
          </Link>
        </h2>
        <p className="text-sm text-muted">by {sellerName(item.seller)}</p>
        {item.description ? <p className="mt-3 line-clamp-3 text-sm text-fg">{item.description}</p> : null}
        <p className="mt-auto flex items-baseline gap-1.5 pt-4">
          <span className="text-2xl font-bold tabular-nums">{formatCredits(item.price)}</span>
          <span className="text-sm text-muted">credits</span>
        </p>
      </article>
    </li>
  );
}
