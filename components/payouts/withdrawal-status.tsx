import { Badge, type BadgeTone } from "@/components/ui/badge";
import { WITHDRAWAL_STATUS_LABELS } from "@/server/domain/payouts";
import type { WithdrawalStatus } from "@/server/generated/prisma/enums";

const TONES: Record<WithdrawalStatus, BadgeTone> = {
  REQUESTED: "warning",
  APPROVED: "info",
  PROCESSING: "violet",
  PAID: "success",
  REJECTED: "danger",
  CANCELLED: "neutral",
  FAILED: "danger",
  NEEDS_RECONCILIATION: "warning",
};

export function WithdrawalStatusBadge({ status }: { status: WithdrawalStatus }) {
  return <Badge tone={TONES[status]}>{WITHDRAWAL_STATUS_LABELS[status]}</Badge>;
}

export const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export interface TimelineEvent {
  fromStatus: WithdrawalStatus | null;
  toStatus: WithdrawalStatus;
  actorName: string | null;
  actorIsPerformer: boolean;
  note: string | null;
  at: Date;
}

/** Who made a change, as the reader knows them: "you" for the performer's own steps, Tipmeter for automatic ones. */
function actorLabel(event: TimelineEvent, viewer: "performer" | "admin"): string {
  if (!event.actorName) return "Tipmeter";
  if (event.actorIsPerformer) return viewer === "performer" ? "You" : event.actorName;
  return viewer === "performer" ? "An admin" : event.actorName;
}

/** A withdrawal's status history, oldest first, each step with its time and actor. */
export function WithdrawalTimeline({ events, viewer }: { events: readonly TimelineEvent[]; viewer: "performer" | "admin" }) {
  return (
    <ol className="space-y-2 border-l border-line pl-4 text-sm">
      {events.map((event, index) => (
        <li key={index} className="relative">
          <span className="absolute top-1.5 -left-[1.3rem] size-2 rounded-full bg-accent-500" aria-hidden="true" />
          <span className="font-medium">{WITHDRAWAL_STATUS_LABELS[event.toStatus]}</span>
          <span className="text-muted">
            {" "}
            · {dateTimeFormat.format(event.at)} · {actorLabel(event, viewer)}
          </span>
          {event.note ? <p className="text-muted">{event.note}</p> : null}
        </li>
      ))}
    </ol>
  );
}
