"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { groupByCurrency, isPackageCurrency, PACKAGE_CURRENCY_NAMES } from "@/server/domain/packages";

interface CreditPackage {
  id: string;
  name: string;
  credits: bigint;
  bonusCredits: bigint;
  priceMinor: bigint;
  currency: string;
}

function PackageCard({ pack, busy, chosen, onChoose, level }: { pack: CreditPackage; busy: boolean; chosen: boolean; onChoose: () => void; level: 2 | 3 }) {
  const Heading = level === 2 ? "h2" : "h3";
  const headingId = `package-${pack.id}`;
  const bonusPercent = (pack.bonusCredits * 100n) / pack.credits;
  return (
    <li>
      <section
        aria-labelledby={headingId}
        className={cn(
          "flex h-full flex-col rounded-card border bg-surface p-6 shadow-card transition-shadow",
          chosen ? "border-accent-400 ring-2 ring-accent-200" : "border-line hover:shadow-pop",
        )}
      >
        <div className="flex items-start justify-between gap-3">
          <Heading id={headingId} className="text-lg font-semibold">
            {pack.name}
          </Heading>
          {pack.bonusCredits > 0n ? <Badge tone="accent">+{bonusPercent.toString()}% bonus</Badge> : null}
        </div>
        <p className="mt-4 flex items-baseline gap-1.5">
          <span className="text-4xl font-bold tracking-tight tabular-nums">{formatCredits(pack.credits + pack.bonusCredits)}</span>
          <span className="text-muted">credits</span>
        </p>
        <p className="mt-1 text-sm text-muted">
          {pack.bonusCredits > 0n
            ? `${formatCredits(pack.credits)} credits + ${formatCredits(pack.bonusCredits)} bonus`
            : "No bonus: just credits"}
        </p>
        <p className="mt-6 text-2xl font-semibold tabular-nums">{formatMinor(pack.priceMinor, pack.currency)}</p>
        <Button className="mt-4 w-full" size="lg" onClick={onChoose} disabled={busy && !chosen} loading={chosen} loadingText="Opening checkout…">
          Buy {pack.name}
        </Button>
      </section>
    </li>
  );
}

function PackageSkeletons() {
  return (
    <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3" role="status" aria-label="Loading packages">
      {Array.from({ length: 3 }, (_, index) => (
        <li key={index} className="space-y-4 rounded-card border border-line bg-surface p-6 shadow-card">
          <Skeleton className="h-6 w-24" />
          <Skeleton className="h-10 w-32" />
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-12 w-full" />
        </li>
      ))}
    </ul>
  );
}

/**
 * The packages on sale. Choosing one starts a Stripe Checkout with an idempotency key made for that choice, so a
 * double click (or a retry of a lost response) returns the same checkout instead of a second purchase.
 */
export function PackagePicker() {
  const trpc = useTRPC();
  const toast = useToast();
  const packages = useQuery(trpc.wallet.packages.queryOptions());
  const checkout = useMutation(trpc.wallet.startCheckout.mutationOptions());
  const attempt = useRef<{ packageId: string; idempotencyKey: string } | null>(null);
  const { reset } = checkout;

  // Coming back with the browser's Back button restores this page as it was left: mid-redirect.
  useEffect(() => {
    function onPageShow(event: PageTransitionEvent) {
      if (!event.persisted) return;
      attempt.current = null;
      reset();
    }
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, [reset]);

  function choose(packageId: string) {
    if (attempt.current) return;
    attempt.current = { packageId, idempotencyKey: crypto.randomUUID() };
    checkout.mutate(attempt.current, {
      onSuccess: ({ checkoutUrl }) => window.location.assign(checkoutUrl),
      onError: (error) => {
        attempt.current = null;
        toast.error("Couldn't start checkout", describeTrpcError(error).message);
      },
    });
  }

  if (packages.isError) return <QueryError what="the packages" onRetry={() => void packages.refetch()} retrying={packages.isFetching} />;
  if (!packages.data) return <PackageSkeletons />;
  if (packages.data.length === 0) {
    return <EmptyState title="No packages on sale right now" description="Check back soon: new credit packages are on their way." />;
  }
  const chosenId = checkout.isIdle || checkout.isError ? null : checkout.variables?.packageId;
  const groups = groupByCurrency(packages.data);
  if (groups.length === 1) return <PackageShelf packages={packages.data} level={2} label="Credit packages" chosenId={chosenId} onChoose={choose} />;
  // Prices in different currencies are never compared or summed: each currency is its own shelf.
  return (
    <div className="space-y-10">
      {groups.map(({ currency, packages: list }) => {
        const code = currency.toUpperCase();
        const headingId = `packages-${currency}`;
        return (
          <section key={currency} aria-labelledby={headingId}>
            <h2 id={headingId} className="mb-4 text-sm font-semibold tracking-wide text-muted uppercase">
              Pay in {isPackageCurrency(currency) ? PACKAGE_CURRENCY_NAMES[currency] : code} ({code})
            </h2>
            <PackageShelf packages={list} level={3} label={`Credit packages in ${code}`} chosenId={chosenId} onChoose={choose} />
          </section>
        );
      })}
    </div>
  );
}

interface PackageShelfProps {
  packages: CreditPackage[];
  level: 2 | 3;
  label: string;
  chosenId: string | null | undefined;
  onChoose: (packageId: string) => void;
}

function PackageShelf({ packages, level, label, chosenId, onChoose }: PackageShelfProps) {
  return (
    <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3" aria-label={label}>
      {packages.map((pack) => (
        <PackageCard key={pack.id} pack={pack} level={level} busy={chosenId != null} chosen={pack.id === chosenId} onChoose={() => onChoose(pack.id)} />
      ))}
    </ul>
  );
}
