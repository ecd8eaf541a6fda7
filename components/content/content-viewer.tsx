import { PictureGallery } from "@/components/content/picture-gallery";
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
      return item.files.length > 0 ? <PictureGallery title={item.title} pictures={item.files} /> : <EmptyState title="No pictures yet" />;
    case "POST":
      return (
        <div className="space-y-6">
          <PostBody body={item.body ?? ""} />
          {item.files.length > 0 ? <PictureGallery title={item.title} pictures={item.files} /> : null}
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
