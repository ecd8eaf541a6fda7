import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { formatMeterDuration } from "@/server/domain/metering";
import { formatCredits } from "@/server/domain/money";
import { endReasonText } from "@/server/domain/shows";
import type { ShowHistoryItem } from "@/server/services/shows";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Past shows with what they cost (member side) or brought in (performer side), newest first. */
export function ShowHistory({ items, side }: { items: ShowHistoryItem[]; side: "member" | "performer" }) {
  if (items.length === 0) {
    return (
      <EmptyState
        title="No shows yet"
        description={
          side === "member"
            ? "Private and group shows you take part in are listed here with their duration and charges."
            : "Your private and group shows are listed here with their charges and your share."
        }
      />
    );
  }
  return (
    <Table aria-label={side === "member" ? "Your shows" : "Your shows and earnings"}>
      <TableHead>
        <tr>
          <TableHeaderCell>When</TableHeaderCell>
          <TableHeaderCell>Show</TableHeaderCell>
          <TableHeaderCell>{side === "member" ? "Performer" : "Members"}</TableHeaderCell>
          <TableHeaderCell className="text-right">Duration</TableHeaderCell>
          <TableHeaderCell className="text-right">Charged</TableHeaderCell>
          {side === "performer" ? <TableHeaderCell className="text-right">Your share</TableHeaderCell> : null}
          <TableHeaderCell>Ended</TableHeaderCell>
        </tr>
      </TableHead>
      <tbody>
        {items.map((item) => (
          <TableRow key={item.showId}>
            <TableCell className="whitespace-nowrap">{dateFormat.format(item.startedAt)}</TableCell>
            <TableCell>
              <span className="flex items-center gap-2">
                {item.kind === "PRIVATE" ? "Private" : "Group"}
                {item.status === "DECLINED" ? <Badge>Not accepted</Badge> : null}
              </span>
              <span className="text-xs text-muted">{formatCredits(item.pricePerMinute)} cr/min</span>
            </TableCell>
            <TableCell className="max-w-56 truncate">
              {side === "member" ? (
                <Link href={`/p/${item.performerUsername}`} className="font-medium text-accent-700 hover:underline">
                  {item.with}
                </Link>
              ) : item.kind === "GROUP" ? (
                `${item.members} ${item.members === 1 ? "member" : "members"}`
              ) : (
                item.with
              )}
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatMeterDuration(item.meteredSeconds)}</TableCell>
            <TableCell className="text-right font-semibold tabular-nums">{formatCredits(item.charged)}</TableCell>
            {side === "performer" ? <TableCell className="text-right tabular-nums">{formatCredits(item.earned ?? 0n)}</TableCell> : null}
            <TableCell className="text-muted">{item.endReason ? endReasonText(item.endReason, side) : "—"}</TableCell>
          </TableRow>
        ))}
      </tbody>
    </Table>
  );
}
