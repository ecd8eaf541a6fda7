"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import { formatMinor } from "@/server/domain/money";

/** Money taken by card for credits: one row per currency, since a dollar and a euro can't be added. */
export function CardSales() {
  const trpc = useTRPC();
  const sales = useQuery(trpc.ledger.cardSales.queryOptions());

  return (
    <Card aria-labelledby="card-sales-title">
      <CardHeader
        id="card-sales-title"
        title="Card sales of credits"
        description="What members paid by card, per currency (never converted or added across currencies). Credits bought are in the checks above."
      />
      {sales.isError ? (
        <CardBody>
          <QueryError what="the card sales" onRetry={() => void sales.refetch()} retrying={sales.isFetching} />
        </CardBody>
      ) : !sales.data ? (
        <CardBody className="space-y-3">
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-2/3" />
        </CardBody>
      ) : sales.data.length === 0 ? (
        <CardBody>
          <p className="text-sm text-muted">No card payments yet.</p>
        </CardBody>
      ) : (
        <Table aria-label="Card sales per currency">
          <TableHead>
            <tr>
              <TableHeaderCell>Currency</TableHeaderCell>
              <TableHeaderCell className="text-right">Payments</TableHeaderCell>
              <TableHeaderCell className="text-right">Paid</TableHeaderCell>
              <TableHeaderCell className="text-right">Refunded</TableHeaderCell>
              <TableHeaderCell className="text-right">Net</TableHeaderCell>
              <TableHeaderCell className="text-right">Disputed</TableHeaderCell>
            </tr>
          </TableHead>
          <tbody>
            {sales.data.map((total) => (
              <TableRow key={total.currency}>
                <th scope="row" className="px-4 py-3 text-left font-semibold">
                  {total.currency.toUpperCase()}
                </th>
                <TableCell className="text-right tabular-nums">{total.payments}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMinor(total.paidMinor, total.currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMinor(total.refundedMinor, total.currency)}</TableCell>
                <TableCell className="text-right font-semibold tabular-nums">{formatMinor(total.netMinor, total.currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{total.disputed}</TableCell>
              </TableRow>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
