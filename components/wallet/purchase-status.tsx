"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { type ReactNode, useEffect } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { AppRouter } from "@/server/api/root";
import type { PurchaseStatus as Status } from "@/server/generated/prisma/enums";

type PurchaseSummary = inferRouterOutputs<AppRouter>["wallet"]["purchase"];

const POLL_WHILE_PENDING_MS = 1000;
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const OUTCOMES: Record<Exclude<Status, "PENDING" | "PAID">, { title: string; message: string; tone: "danger" | "neutral" }> = {
  FAILED: { title: "Payment failed", message: "Your bank declined the payment, so no credits were added and nothing was charged.", tone: "danger" },
  EXPIRED: { title: "Checkout expired", message: "The checkout closed before a payment was made. Nothing was charged.", tone: "neutral" },
  REFUNDED: { title: "Purchase refunded", message: "This payment was refunded and its credits were taken back.", tone: "neutral" },
  PARTIALLY_REFUNDED: { title: "Purchase partly refunded", message: "Part of this payment was refunded, with a matching share of its credits.", tone: "neutral" },
  DISPUTED: { title: "Payment disputed", message: "This payment is disputed with your bank; its credits are on hold until that is settled.", tone: "danger" },
};

function StatusIcon({ tone }: { tone: "success" | "danger" | "neutral" }) {
  const styles = { success: "bg-emerald-50 text-emerald-700", danger: "bg-red-50 text-red-700", neutral: "bg-subtle text-muted" }[tone];
  return (
    <div className={cn("grid size-14 place-items-center rounded-full", styles)} aria-hidden="true">
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" className="size-7">
        {tone === "success" ? <path d="m5 12.5 4.5 4.5L19 7.5" strokeLinecap="round" strokeLinejoin="round" /> : <path d="M12 7v6m0 4h.01" strokeLinecap="round" />}
      </svg>
    </div>
  );
}

function NewBalance() {
  const trpc = useTRPC();
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  if (!balances.data || balances.isFetching) return <p className="text-muted">Updating your balance…</p>;
  return (
    <p className="text-muted">
      Your available balance is now <strong className="text-fg tabular-nums">{formatCredits(balances.data.available)} credits</strong>.
    </p>
  );
}

function StatusView({ purchase }: { purchase: PurchaseSummary }): ReactNode {
  if (purchase.status === "PENDING") {
    return (
      <>
        <div className="grid size-14 place-items-center rounded-full bg-accent-50 text-accent-600" aria-hidden="true">
          <Spinner className="size-7" />
        </div>
        <h1 className="text-2xl font-bold tracking-tight">Payment pending…</h1>
        <p className="text-muted">We&apos;re waiting for your bank to confirm the payment. This page updates by itself.</p>
      </>
    );
  }
  if (purchase.status === "PAID") {
    return (
      <>
        <StatusIcon tone="success" />
        <h1 className="text-2xl font-bold tracking-tight">{formatCredits(purchase.credits)} credits added</h1>
        <NewBalance />
      </>
    );
  }
  const outcome = OUTCOMES[purchase.status];
  return (
    <>
      <StatusIcon tone={outcome.tone} />
      <h1 className="text-2xl font-bold tracking-tight">{outcome.title}</h1>
      <p className="text-muted">{outcome.message}</p>
    </>
  );
}

/**
 * Where Stripe sends the member after paying: follows the purchase until the webhook settles it, polling every
 * second and reacting to the wallet's realtime event, whichever comes first.
 */
export function PurchaseStatus({ initialPurchase }: { initialPurchase: PurchaseSummary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: purchase } = useQuery(
    trpc.wallet.purchase.queryOptions(
      { purchaseId: initialPurchase.id },
      {
        initialData: initialPurchase,
        refetchInterval: (query) => (query.state.data?.status === "PENDING" ? POLL_WHILE_PENDING_MS : false),
      },
    ),
  );
  const paid = purchase.status === "PAID";

  // The poll can see PAID before the realtime event lands; the balance shown must include these credits.
  useEffect(() => {
    if (paid) void queryClient.invalidateQueries(trpc.wallet.balances.queryFilter());
  }, [paid, queryClient, trpc]);

  const settled = purchase.status !== "PENDING";
  return (
    <Card className="mx-auto max-w-lg">
      <CardBody className="space-y-6 py-8 sm:py-10">
        <div role="status" aria-live="polite" className="flex flex-col items-center gap-3 text-center">
          <StatusView purchase={purchase} />
        </div>
        <dl className="divide-y divide-line rounded-control border border-line text-sm">
          {[
            ["Package", purchase.package.name],
            ["Credits", formatCredits(purchase.credits)],
            ["Price", formatMinor(purchase.priceMinor, purchase.currency)],
            ["Started", dateTimeFormat.format(purchase.createdAt)],
          ].map(([label, value]) => (
            <div key={label} className="flex justify-between gap-4 px-4 py-2.5">
              <dt className="text-muted">{label}</dt>
              <dd className="font-medium tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="flex flex-col gap-2 sm:flex-row sm:justify-center">
          <ButtonLink href="/wallet" variant={settled ? "primary" : "secondary"}>
            Back to wallet
          </ButtonLink>
          {settled ? (
            <ButtonLink href="/wallet/buy" variant="secondary">
              {paid ? "Buy more credits" : "Try again"}
            </ButtonLink>
          ) : null}
        </div>
      </CardBody>
    </Card>
  );
}
