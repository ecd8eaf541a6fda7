import type { ReactNode } from "react";
import { PerformerAvatar } from "@/components/performers/performer-card";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";

const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "short" });

interface RoomStageProps {
  stageName: string;
  username: string;
  online: boolean;
  onlineSince: Date | null;
  /** People in the room right now; null when the viewer is not in it and can't see. */
  present: number | null;
  /** The performer's own controls (go live / offline). */
  controls?: ReactNode;
}

/** Where the video would be: the performer's name and whether they are live, on a stage that lights up when they are. */
export function RoomStage({ stageName, username, online, onlineSince, present, controls }: RoomStageProps) {
  return (
    <section aria-labelledby="stage-heading" className="bg-night-950 text-white">
      <div className="container-page py-6 sm:py-8">
        <div
          className={cn(
            "relative grid h-64 w-full place-items-center overflow-hidden rounded-card ring-1 ring-white/10 sm:h-80",
            online ? "bg-linear-to-br from-accent-800 via-night-800 to-violet-900" : "bg-linear-to-br from-night-800 via-night-900 to-night-950",
          )}
        >
          <div aria-hidden="true" className={cn("absolute inset-x-0 top-0 h-1", online ? "animate-pulse bg-accent-400" : "bg-white/10")} />
          <div className="flex flex-col items-center gap-3 px-6 text-center">
            <PerformerAvatar stageName={stageName} username={username} size="lg" />
            <h1 id="stage-heading" className="text-2xl font-bold tracking-tight break-words sm:text-4xl">
              {stageName}
            </h1>
            <p role="status" className="flex flex-wrap items-center justify-center gap-2 text-sm text-night-300">
              {online ? (
                <Badge tone="danger" className="uppercase">
                  <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-red-600" />
                  Live
                </Badge>
              ) : (
                <Badge>Offline</Badge>
              )}
              <span>{online ? (onlineSince ? `Live since ${timeFormat.format(onlineSince)}` : "Live now") : `${stageName} is offline right now.`}</span>
              {present !== null ? <span>· {present === 1 ? "1 person" : `${present} people`} in the room</span> : null}
            </p>
          </div>
          {controls ? <div className="absolute right-4 bottom-4 flex gap-2">{controls}</div> : null}
        </div>
      </div>
    </section>
  );
}
