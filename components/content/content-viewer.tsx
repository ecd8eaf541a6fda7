import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import type { ContentItemView } from "@/server/services/content";

/** A post's text as paragraphs; it is plain text, so nothing in it is interpreted as markup. */
function PostBody({ body }: { body: string }) {
  const paragraphs = body.split(/\n\s*\n/).filter((paragraph) => paragraph.trim());
  return (
    <div className="space-y-4 leading-relaxed text-fg">
      {paragraphs.map((paragraph, index) => (
        <p key={index} className="whitespace-pre-line">
          {paragraph}
        </p>
      ))}
    </div>
  );
}

function Gallery({ item }: { item: ContentItemView }) {
  return (
    <ul className="grid gap-3 sm:grid-cols-2" aria-label="Pictures">
      {item.files.map((file, index) => (
        <li key={file.id}>
          <a href={file.url} target="_blank" rel="noreferrer" className="block overflow-hidden rounded-control border border-line">
            {/* eslint-disable-next-line @next/next/no-img-element -- served by the access-checked file route, not cacheable by an image proxy */}
            <img src={file.url} alt={`${item.title}, picture ${index + 1} of ${item.files.length}`} className="aspect-square w-full object-cover" loading="lazy" />
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The protected part of an item, for a viewer with access: the video, the pictures, the post or the room. */
export function ContentViewer({ item }: { item: ContentItemView }) {
  switch (item.kind) {
    case "VIDEO": {
      const video = item.files[0];
      if (!video) return <EmptyState title="No video yet" description="The performer hasn't uploaded the video." />;
      return (
        <video controls preload="metadata" playsInline src={video.url} aria-label={item.title} className="aspect-video w-full rounded-control bg-black">
          Your browser cannot play this video.
        </video>
      );
    }
    case "PICTURES":
      return item.files.length > 0 ? <Gallery item={item} /> : <EmptyState title="No pictures yet" />;
    case "POST":
      return (
        <div className="space-y-6">
          <PostBody body={item.body ?? ""} />
          {item.files.length > 0 ? <Gallery item={item} /> : null}
        </div>
      );
    case "ROOM_ACCESS":
      return (
        <div className="space-y-3">
          <p className="text-muted">You have access to {item.performer.stageName}&apos;s live room.</p>
          <ButtonLink href={`/room/${item.performer.username}`}>Go to the room</ButtonLink>
        </div>
      );
  }
}
