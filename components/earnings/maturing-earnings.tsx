"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits } from "@/server/domain/money";

const dayFormat = new Intl.DateTimeFormat("en", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "short", timeZone: "UTC" });

/**
 * Pending earnings and the Earnings wallet, and when what is pending becomes available: one row per day, soonest first.
 * The tips feed on the same page refetches it whenever the performer's wallet changes.
 */
export function MaturingEarnings() {
  const trpc = useTRPC();
  const maturing = useQuery(trpc.earnings.maturing.queryOptions({}));

  function body() {
    if (maturing.isError) return <QueryError what="your maturing earnings" onRetry={() => void maturing.refetch()} retrying={maturing.isFetching} />;
    const data = maturing.data;
    return (
      <div className="space-y-4">
        <dl className="grid grid-cols-2 gap-3 text-sm">
          <div className="rounded-card bg-subtle p-3">
            <dt className="text-muted">Pending</dt>
            <dd className="text-lg font-semibold tabular-nums">{data ? formatCredits(data.pending) : <Skeleton className="h-7 w-16" />}</dd>
          </div>
          <div className="rounded-card bg-subtle p-3">
            <dt className="text-muted">Earnings wallet</dt>
            <dd className="text-lg font-semibold tabular-nums">{data ? formatCredits(data.available) : <Skeleton className="h-7 w-16" />}</dd>
          </div>
        </dl>
        {!data ? (
          <Skeleton className="h-16 w-full" />
        ) : data.schedule.length === 0 ? (
          <p className="text-sm text-muted">Nothing is waiting to mature. Your share of each new sale appears here with the day it becomes available.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Pending earnings by the day they become available, soonest first</caption>
            <thead className="text-xs text-muted">
              <tr>
                <th scope="col" className="py-2 font-medium">
                  Available on (UTC)
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  Credits
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  Sales
                </th>
              </tr>
            </thead>
            <tbody>
              {data.schedule.map((day) => (
                <tr key={day.day.toISOString()} className="border-t border-line">
                  <td className="py-2.5">
                    {dayFormat.format(day.day)}
                    <span className="block text-xs text-muted">from {timeFormat.format(day.firstMaturesAt)} UTC</span>
                  </td>
                  <td className="py-2.5 text-right font-semibold tabular-nums">{formatCredits(day.amount)}</td>
                  <td className="py-2.5 text-right tabular-nums">{day.sales}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    );
  }

  return (
    <Card aria-labelledby="maturing-heading">
      <CardHeader
        id="maturing-heading"
        title="Maturing earnings"
        description="Your share of each sale stays pending for a few days, then moves to your Earnings wallet, ready to withdraw."
        action={
          <ButtonLink href="/performer/earnings" variant="secondary" size="sm">
            Earnings dashboard
          </ButtonLink>
        }
      />
      <CardBody>{body()}</CardBody>
    </Card>
  );
}
