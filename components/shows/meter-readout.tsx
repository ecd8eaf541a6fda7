"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { formatMeterDuration } from "@/server/domain/metering";
import { formatCredits } from "@/server/domain/money";
import { endReasonText, pausedReasonText } from "@/server/domain/shows";
import type { MeterView } from "@/server/services/shows";

/** "60 credits a minute, first 30 s free, 1-minute minimum, billed per 30 s". */
export function termsText(terms: { pricePerMinute: bigint; freeSeconds: number; minimumMinutes: number; incrementSeconds: number }): string {
  const parts = [`${formatCredits(terms.pricePerMinute)} credits a minute`];
  if (terms.freeSeconds > 0) parts.push(`first ${formatMeterDuration(terms.freeSeconds)} free`);
  if (terms.minimumMinutes > 0) parts.push(`${terms.minimumMinutes}-minute minimum`);
  parts.push(`billed per ${terms.incrementSeconds} s`);
  return parts.join(", ");
}

/** Seconds since `since` (a client timestamp), refreshed every second while `ticking`. */
function useSecondsSince(since: number, ticking: boolean): number {
  const [now, setNow] = useState(since);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? Math.max(0, Math.floor((now - since) / 1000)) : 0;
}

function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: "warning" }) {
  return (
    <div className={cn("rounded-card bg-subtle p-3", tone === "warning" && "bg-amber-50 ring-1 ring-amber-200")}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

/**
 * The meter as the server last described it. Between refreshes the clock on screen moves on by itself while the
 * meter runs; it is only a display: what is charged is always the server's count on the database clock.
 */
export function MeterReadout({ view, fetchedAt }: { view: MeterView; fetchedAt: number }) {
  const open = view.status === "LIVE" && (view.side === "performer" || view.joined);
  const running = open && view.running && view.pausedReason === null;
  const extra = useSecondsSince(fetchedAt, running);
  const seconds = view.meteredSeconds + extra;
  const ended = view.status === "ENDED" || view.pausedReason === "ended";

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-xs font-medium tracking-wide text-muted uppercase">Metered time</p>
          <p className="text-4xl font-bold tabular-nums" aria-live="off" data-testid="meter-duration">
            {formatMeterDuration(seconds)}
          </p>
        </div>
        {running ? (
          <Badge tone="danger">
            <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-red-600" />
            Meter running
          </Badge>
        ) : view.pausedReason ? (
          <Badge tone={ended ? "neutral" : "warning"}>{ended ? "Ended" : "Paused"}</Badge>
        ) : null}
      </div>
      {view.pausedReason && !ended ? (
        <p role="status" className="text-sm text-muted">
          {pausedReasonText(view.pausedReason, view.side)}
        </p>
      ) : null}
      {ended && view.endReason ? (
        <p role="status" className="text-sm text-muted">
          The show ended: {endReasonText(view.endReason, view.side)}.
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <Stat label="Charges so far" value={`${formatCredits(view.charged)} cr`} hint={`${formatCredits(view.settled)} collected`} />
        {view.side === "member" ? (
          <Stat
            label="Balance left"
            value={view.balanceLeft === null ? "—" : `${formatCredits(view.balanceLeft)} cr`}
            hint={view.secondsLeft === null ? undefined : `about ${formatMeterDuration(view.secondsLeft)} of show`}
            tone={view.lowBalance ? "warning" : undefined}
          />
        ) : (
          <Stat label="Your share so far" value={`${formatCredits(view.earned ?? 0n)} cr`} hint="in pending earnings" />
        )}
      </dl>
      {view.side === "member" && view.lowBalance && !ended ? (
        <div role="alert" className="rounded-card border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Your credits cover about {formatMeterDuration(view.secondsLeft ?? 0)} more. The show ends by itself when they run out.{" "}
          <Link href="/wallet/buy" target="_blank" className="font-semibold underline">
            Buy credits
          </Link>
        </div>
      ) : null}
      <p className="text-xs text-muted">{termsText(view)}</p>
    </div>
  );
}

/**
 * The performer's list of a group show's members and their meters. Each running clock moves on by itself between
 * refreshes, as the member's own readout does, so both sides show the same time.
 */
export function ParticipantList({ view, fetchedAt }: { view: MeterView; fetchedAt: number }) {
  const ticking = view.status === "LIVE" && view.participants.some((participant) => participant.running);
  const extra = useSecondsSince(fetchedAt, ticking);
  if (view.participants.length === 0) return <p className="text-sm text-muted">No members have joined yet.</p>;
  return (
    <ul className="divide-y divide-line text-sm" aria-label="Members in this show">
      {view.participants.map((participant) => (
        <li key={participant.memberId} className="flex items-center justify-between gap-3 py-2">
          <span className="min-w-0 truncate font-medium">{participant.displayName}</span>
          <span className="flex shrink-0 items-center gap-3 tabular-nums text-muted">
            <span data-testid="participant-duration">{formatMeterDuration(participant.meteredSeconds + (participant.running ? extra : 0))}</span> ·{" "}
            {formatCredits(participant.charged)} cr
            {participant.status === "ENDED" ? <Badge>Left</Badge> : participant.running ? <Badge tone="success">On</Badge> : <Badge tone="warning">Paused</Badge>}
          </span>
        </li>
      ))}
    </ul>
  );
}
