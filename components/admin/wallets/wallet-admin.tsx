"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { CurrencyFormDialog } from "@/components/admin/wallets/currency-form-dialog";
import { type AdminCurrency, type AdminWalletType, WalletTypeFormDialog } from "@/components/admin/wallets/wallet-type-form-dialog";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useEditing } from "@/components/kit/use-editing";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { formatWalletAmount } from "@/server/domain/money";

function ActiveBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>;
}

function holdingText(type: AdminWalletType): string {
  return formatWalletAmount(type.total, { currency: type.currency, exponent: type.exponent });
}

/** Activate or deactivate, with the server's refusal (built in, still holding money) said in a toast. */
function useActivation() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const setType = useMutation(trpc.adminWallets.setTypeActive.mutationOptions());
  const setCurrency = useMutation(trpc.adminWallets.setCurrencyActive.mutationOptions());

  async function run(key: string, change: () => Promise<unknown>, done: string) {
    setBusy(key);
    try {
      await change();
      await queryClient.invalidateQueries(trpc.adminWallets.pathFilter());
      toast.success(done);
    } catch (error) {
      toast.error("Not changed", describeTrpcError(error).message);
    } finally {
      setBusy(null);
    }
  }
  return {
    busy,
    type: (type: AdminWalletType) =>
      run(`type:${type.id}`, () => setType.mutateAsync({ id: type.id, active: !type.active }), `${type.name} ${type.active ? "deactivated" : "activated"}`),
    currency: (currency: AdminCurrency) =>
      run(`currency:${currency.code}`, () => setCurrency.mutateAsync({ code: currency.code, active: !currency.active }), `${currency.code} ${currency.active ? "deactivated" : "activated"}`),
  };
}

function typeColumns(onEdit: (type: AdminWalletType) => void, activation: ReturnType<typeof useActivation>): Column<AdminWalletType>[] {
  return [
    {
      key: "name",
      header: "Wallet",
      sortValue: (type) => type.name,
      cell: (type) => (
        <div className="max-w-[14rem]">
          <p className="font-medium">
            {type.name} {type.builtIn ? <Badge>Built in</Badge> : null}
          </p>
          <p className="text-muted">{type.id}</p>
        </div>
      ),
    },
    { key: "currency", header: "Currency", sortValue: (type) => type.currency, cell: (type) => <span title={type.currencyName}>{type.currency}</span> },
    {
      key: "rules",
      header: "Rules",
      cell: (type) => (
        <ul className="max-w-[22rem] list-none space-y-0.5 text-muted">
          {type.uses.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ),
    },
    { key: "status", header: "Status", sortValue: (type) => !type.active, cell: (type) => <ActiveBadge active={type.active} /> },
    {
      key: "holdings",
      header: "Holding",
      align: "right",
      className: "tabular-nums whitespace-nowrap",
      sortValue: (type) => type.holders,
      cell: (type) => (
        <>
          <span className="block">{holdingText(type)}</span>
          <span className="block text-muted">
            in {type.holders} wallet{type.holders === 1 ? "" : "s"}
          </span>
        </>
      ),
    },
    { key: "position", header: "Position", align: "right", className: "tabular-nums", sortValue: (type) => type.position, cell: (type) => type.position },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      align: "right",
      cell: (type) => <TypeActions type={type} onEdit={onEdit} activation={activation} />,
    },
  ];
}

function TypeActions({ type, onEdit, activation }: { type: AdminWalletType; onEdit: (type: AdminWalletType) => void; activation: ReturnType<typeof useActivation> }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button size="sm" variant="secondary" onClick={() => onEdit(type)} aria-label={`Edit ${type.name}`}>
        Edit
      </Button>
      {type.builtIn ? null : (
        <Button
          size="sm"
          variant={type.active ? "ghost" : "secondary"}
          loading={activation.busy === `type:${type.id}`}
          onClick={() => void activation.type(type)}
          aria-label={`${type.active ? "Deactivate" : "Activate"} ${type.name}`}
        >
          {type.active ? "Deactivate" : "Activate"}
        </Button>
      )}
    </div>
  );
}

function TypeCard({ type, onEdit, activation }: { type: AdminWalletType; onEdit: (type: AdminWalletType) => void; activation: ReturnType<typeof useActivation> }) {
  return (
    <>
      <div className="min-w-0 space-y-1.5">
        <p className="font-medium">
          {type.name} <span className="font-normal text-muted">· {type.currency}</span>
        </p>
        <p className="text-sm text-muted">{type.uses.join(" ")}</p>
        <p className="text-sm text-muted">
          {holdingText(type)} in {type.holders} wallet{type.holders === 1 ? "" : "s"}
        </p>
        <ActiveBadge active={type.active} />
      </div>
      <TypeActions type={type} onEdit={onEdit} activation={activation} />
    </>
  );
}

function currencyColumns(activation: ReturnType<typeof useActivation>): Column<AdminCurrency>[] {
  return [
    { key: "code", header: "Code", className: "font-medium", sortValue: (currency) => currency.code, cell: (currency) => currency.code },
    { key: "name", header: "Name", sortValue: (currency) => currency.name, cell: (currency) => currency.name },
    { key: "kind", header: "Kind", cell: (currency) => ({ CREDITS: "Site credits", POINTS: "Points", FIAT: "Fiat money" })[currency.kind] },
    { key: "exponent", header: "Decimals", align: "right", className: "tabular-nums", cell: (currency) => currency.exponent },
    { key: "usedBy", header: "Used by", cell: (currency) => (currency.usedBy.length ? currency.usedBy.join(", ") : <span className="text-muted">No active wallet</span>) },
    { key: "status", header: "Status", cell: (currency) => <ActiveBadge active={currency.active} /> },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      align: "right",
      cell: (currency) => (
        <Button
          size="sm"
          variant={currency.active ? "ghost" : "secondary"}
          loading={activation.busy === `currency:${currency.code}`}
          onClick={() => void activation.currency(currency)}
          aria-label={`${currency.active ? "Deactivate" : "Activate"} ${currency.code}`}
        >
          {currency.active ? "Deactivate" : "Activate"}
        </Button>
      ),
    },
  ];
}

/** Wallet types (rules, holdings, activation) and the currencies they are in. */
export function WalletAdmin() {
  const trpc = useTRPC();
  const types = useQuery(trpc.adminWallets.types.queryOptions());
  const currencies = useQuery(trpc.adminWallets.currencies.queryOptions());
  const editing = useEditing<AdminWalletType>();
  const [addingCurrency, setAddingCurrency] = useState(0);
  const activation = useActivation();

  return (
    <div className="space-y-10">
      <section aria-labelledby="wallet-types-heading" className="space-y-4">
        <div className="flex items-end justify-between gap-3">
          <h2 id="wallet-types-heading" className="text-lg font-semibold">
            Wallet types
          </h2>
          <Button onClick={() => editing.open(null)} disabled={!currencies.data}>
            New wallet type
          </Button>
        </div>
        <DataTable
          rows={types.data}
          failed={types.isError ? { onRetry: () => void types.refetch(), retrying: types.isFetching } : null}
          columns={typeColumns(editing.open, activation)}
          rowKey={(type) => type.id}
          caption="Wallet types in list order, with their rules and what their wallets hold"
          what="wallet types"
          empty={{ title: "No wallet types", description: "Create the first wallet type." }}
          cardsLabel="Wallet types"
          card={(type) => <TypeCard type={type} onEdit={editing.open} activation={activation} />}
          filterText={(type) => `${type.name} ${type.id} ${type.currency}`}
        />
      </section>

      <section aria-labelledby="currencies-heading" className="space-y-4">
        <div className="flex items-end justify-between gap-3">
          <h2 id="currencies-heading" className="text-lg font-semibold">
            Currencies
          </h2>
          <Button variant="secondary" onClick={() => setAddingCurrency((count) => count + 1)}>
            New currency
          </Button>
        </div>
        <DataTable
          rows={currencies.data}
          failed={currencies.isError ? { onRetry: () => void currencies.refetch(), retrying: currencies.isFetching } : null}
          columns={currencyColumns(activation)}
          rowKey={(currency) => currency.code}
          caption="Currencies, site credits first, with the active wallet types in each"
          what="currencies"
          empty={{ title: "No currencies" }}
        />
      </section>

      {editing.editing && currencies.data ? (
        <WalletTypeFormDialog key={editing.editing.opening} type={editing.editing.record} currencies={currencies.data} onClose={editing.close} />
      ) : null}
      {addingCurrency > 0 ? <CurrencyFormDialog key={addingCurrency} onClose={() => setAddingCurrency(0)} /> : null}
    </div>
  );
}
