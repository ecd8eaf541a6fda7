import type { RoomTip } from "@/components/rooms/room-events";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatCredits } from "@/server/domain/money";

const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "short" });

/** A tip numbered in the order it arrived, which keys it in the list. */
export type FeedTip = RoomTip & { seq: number };

/** Tips as they land while the page is open, newest first. */
export function RoomFeed({ tips }: { tips: readonly FeedTip[] }) {
  return (
    <Card aria-labelledby="feed-heading">
      <CardHeader id="feed-heading" title="Room feed" description="Tips appear here the moment they are sent." />
      <CardBody>
        {tips.length === 0 ? (
          <p className="text-sm text-muted">No tips since you came in.</p>
        ) : (
          <ul aria-label="Tips in the room" aria-live="polite" className="divide-y divide-line">
            {tips.map((tip) => (
              <li key={tip.seq} className="py-2.5 text-sm">
                <p>
                  <span className="font-semibold">{tip.fromDisplayName}</span> tipped{" "}
                  <span className="font-semibold tabular-nums">{formatCredits(tip.amount)} credits</span>
                  <span className="text-xs text-muted"> · {timeFormat.format(tip.at)}</span>
                </p>
                {tip.message ? <p className="break-words text-muted">“{tip.message}”</p> : null}
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
