import { ContentCard, type ContentCardData } from "@/components/content/content-card";

/** The performer's items on sale, on their public page; nothing at all when they have none. */
export function PerformerContent({ items, stageName }: { items: ContentCardData[]; stageName: string }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="content-heading" className="container-page pb-12">
      <h2 id="content-heading" className="text-xl font-bold tracking-tight text-fg">
        Content
      </h2>
      <p className="mt-1 text-muted">Videos, pictures and posts from {stageName}. Unlock once with credits and keep them.</p>
      <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {items.map((item) => (
          <ContentCard key={item.id} item={item} />
        ))}
      </ul>
    </section>
  );
}
