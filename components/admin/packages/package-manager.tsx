"use client";

import { useQuery } from "@tanstack/react-query";
import { type CreditPackage, PackageFormDialog } from "@/components/admin/packages/package-form-dialog";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useEditing } from "@/components/kit/use-editing";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatCredits, formatMinor } from "@/server/domain/money";

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

function columns(onEdit: (pack: CreditPackage) => void): Column<CreditPackage>[] {
  return [
    { key: "name", header: "Name", className: "font-medium", cell: (pack) => pack.name, sortValue: (pack) => pack.name },
    { key: "credits", header: "Credits", align: "right", className: "tabular-nums", cell: (pack) => formatCredits(pack.credits), sortValue: (pack) => pack.credits },
    { key: "bonus", header: "Bonus", align: "right", className: "tabular-nums", cell: (pack) => formatCredits(pack.bonusCredits), sortValue: (pack) => pack.bonusCredits },
    { key: "currency", header: "Currency", cell: (pack) => pack.currency.toUpperCase(), sortValue: (pack) => pack.currency },
    {
      key: "price",
      header: "Price",
      align: "right",
      className: "tabular-nums",
      cell: (pack) => formatMinor(pack.priceMinor, pack.currency),
      sortValue: (pack) => pack.priceMinor,
    },
    { key: "status", header: "Status", cell: (pack) => <SaleBadge active={pack.active} />, sortValue: (pack) => !pack.active },
    { key: "order", header: "Order", align: "right", className: "tabular-nums", cell: (pack) => pack.sortOrder, sortValue: (pack) => pack.sortOrder },
    { key: "actions", header: "Actions", hiddenHeader: true, align: "right", cell: (pack) => <EditButton pack={pack} onEdit={onEdit} /> },
  ];
}

function PackageCard({ pack, onEdit }: { pack: CreditPackage; onEdit: (pack: CreditPackage) => void }) {
  return (
    <>
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
    </>
  );
}

/** Every credit package, on sale or not, with create and edit. */
export function PackageManager() {
  const trpc = useTRPC();
  const packages = useQuery(trpc.ledger.packages.queryOptions());
  const { editing, open, close } = useEditing<CreditPackage>();

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => open(null)}>New package</Button>
      </div>
      <DataTable
        rows={packages.data}
        failed={packages.isError ? { onRetry: () => void packages.refetch(), retrying: packages.isFetching } : null}
        columns={columns(open)}
        rowKey={(pack) => pack.id}
        caption="Credit packages, on sale first, in shop order"
        what="packages"
        empty={{ title: "No packages yet", description: "Create the first package members can buy." }}
        cardsLabel="Credit packages"
        card={(pack) => <PackageCard pack={pack} onEdit={open} />}
        filterText={(pack) => pack.name}
      />
      {editing ? <PackageFormDialog key={editing.opening} pack={editing.record} onClose={close} /> : null}
    </div>
  );
}
