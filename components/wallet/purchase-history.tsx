"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import type { CurrencyTotal } from "@/server/domain/card-sales";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { PurchaseStatus } from "@/server/generated/prisma/enums";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

const STATUS: Record<PurchaseStatus, { label: string; tone: BadgeTone }> = {
  PENDING: { label: "Pending", tone: "info" },
  PAID: { label: "Paid", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
  EXPIRED: { label: "Not paid", tone: "neutral" },
  REFUNDED: { label: "Refunded", tone: "neutral" },
  PARTIALLY_REFUNDED: { label: "Partly refunded", tone: "warning" },
  DISPUTED: { label: "Disputed", tone: "danger" },
};

/** "$59.98 and €9.49": one amount per currency, never added together. */
export function totalsText(totals: readonly CurrencyTotal[]): string {
  return totals.map((total) => formatMinor(total.netMinor, total.currency)).join(" and ");
}

/** The member's card purchases of credits, each price in its own currency, with what they paid per currency. */
export function PurchaseHistory() {
  const trpc = useTRPC();
  const history = useQuery(trpc.wallet.purchases.queryOptions());

  return (
    <Card aria-labelledby="purchase-history-title">
      <CardHeader
        id="purchase-history-title"
        title="Card purchases"
        description={
          history.data && history.data.totals.length > 0 ? `Paid by card in total, less refunds: ${totalsText(history.data.totals)}.` : "Credits you bought with a card."
        }
      />
      {history.isError ? (
        <CardBody>
          <QueryError what="your purchases" onRetry={() => void history.refetch()} retrying={history.isFetching} />
        </CardBody>
      ) : !history.data ? (
        <CardBody className="space-y-3">
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-4 w-5/6" />
        </CardBody>
      ) : history.data.purchases.length === 0 ? (
        <CardBody>
          <p className="text-sm text-muted">No card purchases yet: the packages are on the Buy credits page.</p>
        </CardBody>
      ) : (
        <Table aria-label="Card purchases">
          <TableHead>
            <tr>
              <TableHeaderCell>Date</TableHeaderCell>
              <TableHeaderCell>Package</TableHeaderCell>
              <TableHeaderCell className="text-right">Credits</TableHeaderCell>
              <TableHeaderCell className="text-right">Price</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </tr>
          </TableHead>
          <tbody>
            {history.data.purchases.map((purchase) => (
              <TableRow key={purchase.id}>
                <TableCell className="whitespace-nowrap text-muted">{dateFormat.format(purchase.createdAt)}</TableCell>
                <TableCell>
                  <Link href={`/wallet/purchases/${purchase.id}`} className="font-medium hover:underline">
                    {purchase.packageName}
                  </Link>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCredits(purchase.credits)}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatMinor(purchase.priceMinor, purchase.currency)}
                  {purchase.refundedMinor > 0n ? <span className="block text-xs text-muted">{formatMinor(purchase.refundedMinor, purchase.currency)} refunded</span> : null}
                </TableCell>
                <TableCell>
                  <Badge tone={STATUS[purchase.status].tone}>{STATUS[purchase.status].label}</Badge>
                </TableCell>
              </TableRow>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
