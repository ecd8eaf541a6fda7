"use client";

import { useRealtimeStatus } from "@/components/realtime/wallet-realtime";
import { cn } from "@/components/ui/cn";

const LABELS = {
  live: { text: "Live", description: "Balances update as they change", dot: "bg-emerald-500" },
  connecting: { text: "Connecting…", description: "Connecting to live updates", dot: "bg-amber-400" },
  offline: { text: "Offline", description: "Live updates paused; balances refresh when you come back", dot: "bg-line-strong" },
} as const;

/** Whether balances on this page follow changes as they happen. */
export function LiveIndicator() {
  const status = useRealtimeStatus();
  const label = LABELS[status];
  return (
    <span role="status" title={label.description} className="inline-flex items-center gap-1.5 text-xs font-medium">
      <span aria-hidden="true" className={cn("size-2 rounded-full", label.dot, status === "live" && "animate-pulse")} />
      {label.text}
      <span className="sr-only">: {label.description}</span>
    </span>
  );
}
