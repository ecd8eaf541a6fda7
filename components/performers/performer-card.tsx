import Link from "next/link";
import { Badge } from "@/components/ui/badge";

const GRADIENTS = [
  "from-accent-500 to-violet-600",
  "from-violet-500 to-sky-500",
  "from-amber-400 to-accent-500",
  "from-emerald-400 to-sky-600",
  "from-fuchsia-500 to-indigo-600",
];

/** A stable colour per performer, so the same card looks the same on every visit. */
function gradientFor(username: string): string {
  let hash = 0;
  for (const char of username) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return GRADIENTS[hash % GRADIENTS.length] ?? "from-accent-500 to-violet-600";
}

export function PerformerAvatar({ stageName, username, size = "md" }: { stageName: string; username: string; size?: "md" | "lg" }) {
  return (
    <span
      aria-hidden="true"
      className={`grid shrink-0 place-items-center rounded-2xl bg-linear-to-br font-bold text-white ${gradientFor(username)} ${
        size === "lg" ? "size-20 text-3xl" : "size-12 text-lg"
      }`}
    >
      {stageName.trim()[0]?.toUpperCase() ?? "?"}
    </span>
  );
}

export function PerformerCard({ performer, live = false }: { performer: { username: string; stageName: string; bio: string }; live?: boolean }) {
  return (
    <li className="group relative flex flex-col gap-4 rounded-card border border-line bg-surface p-5 shadow-card transition-shadow hover:shadow-pop">
      <div className="flex items-center gap-3">
        <PerformerAvatar stageName={performer.stageName} username={performer.username} />
        <div className="min-w-0">
          <h3 className="truncate font-semibold text-fg">
            <Link href={`/p/${performer.username}`} className="after:absolute after:inset-0 after:rounded-card focus:outline-none">
              {performer.stageName}
            </Link>
          </h3>
          <p className="truncate text-sm text-muted">@{performer.username}</p>
        </div>
        {live ? (
          <Badge tone="danger" className="ml-auto uppercase">
            Live
          </Badge>
        ) : null}
      </div>
      <p className="line-clamp-3 text-sm text-muted">{performer.bio || "No bio yet."}</p>
      <span className="mt-auto text-sm font-semibold text-accent-700 group-hover:underline" aria-hidden="true">
        View profile →
      </span>
    </li>
  );
}
