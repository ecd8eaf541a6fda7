import type { ReactNode } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { ContentKind, ContentStatus } from "@/server/domain/content-rules";

const KINDS: Record<ContentKind, { label: string; icon: ReactNode }> = {
  VIDEO: { label: "Video", icon: <path d="M4 6h11v12H4zM15 10l5-3v10l-5-3" strokeLinejoin="round" /> },
  PICTURES: {
    label: "Pictures",
    icon: <path d="M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 9.5h.01" strokeLinecap="round" strokeLinejoin="round" />,
  },
  POST: { label: "Post", icon: <path d="M6 3h9l4 4v14H6zM9 11h7M9 15h7M9 7h3" strokeLinecap="round" strokeLinejoin="round" /> },
  ROOM_ACCESS: {
    label: "Room access",
    icon: <path d="M5 21V4h10v17M15 8h4v13M3 21h18M11 12h.01" strokeLinecap="round" strokeLinejoin="round" />,
  },
};

export function contentKindLabel(kind: ContentKind): string {
  return KINDS[kind].label;
}

export function ContentKindIcon({ kind, className }: { kind: ContentKind; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true" className={cn("size-4", className)}>
      {KINDS[kind].icon}
    </svg>
  );
}

/** The kind with its icon, as a badge; the label is the accessible text. */
export function ContentKindBadge({ kind }: { kind: ContentKind }) {
  return (
    <Badge tone="neutral">
      <ContentKindIcon kind={kind} className="size-3.5" />
      {KINDS[kind].label}
    </Badge>
  );
}

const STATUSES: Record<ContentStatus, { label: string; tone: BadgeTone }> = {
  DRAFT: { label: "Draft", tone: "warning" },
  PUBLISHED: { label: "Published", tone: "success" },
  ARCHIVED: { label: "Archived", tone: "neutral" },
};

export function ContentStatusBadge({ status }: { status: ContentStatus }) {
  return <Badge tone={STATUSES[status].tone}>{STATUSES[status].label}</Badge>;
}
