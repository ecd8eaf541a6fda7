"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type CreditPackage, PackageFormDialog } from "@/components/admin/packages/package-form-dialog";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor } from "@/server/domain/money";

/** Which dialog is open: none, a new package, or an existing one. */
type Editing = { pack: CreditPackage | null; opening: number } | null;

function SaleBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="success">On sale</Badge> : <Badge>Hidden</Badge>;
}

function EditButton({ pack, onEdit }: { pack: CreditPackage; onEdit: (pack: CreditPackage) => void }) {
  return (
    <Button size="sm" variant="secondary" onClick={() => onEdit(pack)} aria-label={`Edit ${pack.name}`}>
      Edit
    </Button>
  );
}

function PackageTable({ packages, onEdit }: { packages: CreditPackage[]; onEdit: (pack: CreditPackage) => void }) {
  return (
    <div className="hidden md:block">
      <Table>
        <caption className="sr-only">Credit packages, on sale first, in shop order</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell className="text-right">Credits</TableHeaderCell>
            <TableHeaderCell className="text-right">Bonus</TableHeaderCell>
            <TableHeaderCell className="text-right">Price</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="text-right">Order</TableHeaderCell>
            <TableHeaderCell className="text-right">
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {packages.map((pack) => (
            <TableRow key={pack.id}>
              <TableCell className="font-medium">{pack.name}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCredits(pack.credits)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCredits(pack.bonusCredits)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatMinor(pack.priceMinor, pack.currency)}</TableCell>
              <TableCell>
                <SaleBadge active={pack.active} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{pack.sortOrder}</TableCell>
              <TableCell className="text-right">
                <EditButton pack={pack} onEdit={onEdit} />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function PackageCards({ packages, onEdit }: { packages: CreditPackage[]; onEdit: (pack: CreditPackage) => void }) {
  return (
    <ul className="divide-y divide-line md:hidden" aria-label="Credit packages">
      {packages.map((pack) => (
        <li key={pack.id} className="flex items-start justify-between gap-3 px-4 py-4">
          <div className="min-w-0 space-y-1.5">
            <p className="font-medium">
              {pack.name} <span className="font-normal text-muted">· {formatMinor(pack.priceMinor, pack.currency)}</span>
            </p>
            <p className="text-sm text-muted">
              {formatCredits(pack.credits)} credits + {formatCredits(pack.bonusCredits)} bonus · order {pack.sortOrder}
            </p>
            <SaleBadge active={pack.active} />
          </div>
          <EditButton pack={pack} onEdit={onEdit} />
        </li>
      ))}
    </ul>
  );
}

/** Every credit package, on sale or not, with create and edit. */
export function PackageManager() {
  const trpc = useTRPC();
  const packages = useQuery(trpc.ledger.packages.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const openDialog = (pack: CreditPackage | null) => setEditing({ pack, opening: Date.now() });

  function list() {
    if (packages.isError) return <QueryError what="the packages" onRetry={() => void packages.refetch()} retrying={packages.isFetching} />;
    if (!packages.data) {
      return (
        <div className="space-y-3 p-5" role="status">
          <span className="sr-only">Loading packages…</span>
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      );
    }
    if (packages.data.length === 0) {
      return <EmptyState className="m-5 border-none" title="No packages yet" description="Create the first package members can buy." />;
    }
    return (
      <>
        <PackageCards packages={packages.data} onEdit={openDialog} />
        <PackageTable packages={packages.data} onEdit={openDialog} />
      </>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => openDialog(null)}>New package</Button>
      </div>
      <Card className="overflow-hidden">{list()}</Card>
      {editing ? <PackageFormDialog key={editing.opening} pack={editing.pack} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
