"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { type AddressDraft, AddressFields, addressDraft } from "@/components/store/address-fields";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { WalletPicker, usePayingWallets } from "@/components/wallet/pay-from-wallet";
import { describePaymentError, type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import { formatCredits, formatMinor } from "@/server/domain/money";
import { MAX_ORDER_QUANTITY, type PaymentSplit, type ShippingAddress, shippingAddressSchema, splitPayment, walletCap } from "@/server/domain/store";
import { FULL_SHARE_BPS } from "@/server/domain/commission";
import type { StoreItemKind } from "@/server/generated/prisma/enums";

interface BuyPanelProps {
  item: { id: string; kind: StoreItemKind; title: string; price: bigint; stock: number | null; soldOut: boolean };
  terms: { maxWalletShareBps: number; creditPriceMinor: bigint; currency: string };
  signedIn: boolean;
  signInHref: string;
  /** A seller looking at their own item cannot buy it. */
  ownItem: boolean;
}

type Errors = Partial<Record<keyof AddressDraft | "quantity" | "walletPart", string>>;


interface OrderRequest {
  walletTypeId: string | undefined;
  walletName: string;
  quantity: number;
  split: PaymentSplit;
  shippingAddress?: ShippingAddress;
}

const percent = (bps: number) => `${(bps / 100).toLocaleString("en", { maximumFractionDigits: 2 })}%`;

/**
 * Buy an item: a quantity, a shipping address for physical goods, and how much of the total comes from the
 * wallet the buyer picks among those that may pay for store orders (up to the store's cap, that wallet's own
 * share cap and its balance); the rest is paid by card in Stripe Checkout. A confirmation
 * comes first; a refusal is shown where the form is, with the way out when credits are short.
 */
export function BuyPanel({ item, terms, signedIn, signInHref, ownItem }: BuyPanelProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const balances = useQuery(trpc.wallet.balances.queryOptions(undefined, { enabled: signedIn && !ownItem }));
  const [walletId, setWalletId] = useState<string | null>(null);
  const wallets = usePayingWallets("STORE", walletId, signedIn && !ownItem);
  const buy = useMutation(trpc.store.buy.mutationOptions());
  const [quantityText, setQuantityText] = useState("1");
  /** Null until the buyer types a wallet amount: the default is as much as the wallet may and can pay. */
  const [walletText, setWalletText] = useState<string | null>(null);
  const [address, setAddress] = useState<AddressDraft>(addressDraft);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<PaymentError | null>(null);
  const [confirming, setConfirming] = useState<OrderRequest | null>(null);
  // One key per intended order: a retry after a lost answer reuses it, so the order is not placed twice.
  const idempotencyKey = useRef(crypto.randomUUID());

  if (!signedIn) {
    return (
      <Card>
        <CardHeader title="Buy this item" />
        <CardBody className="space-y-3 text-sm">
          <p className="text-muted">Sign in to buy with your credits.</p>
          <ButtonLink href={signInHref}>Sign in to buy</ButtonLink>
        </CardBody>
      </Card>
    );
  }
  if (ownItem) {
    return (
      <Card>
        <CardHeader title="Your item" />
        <CardBody className="space-y-3 text-sm">
          <p className="text-muted">This is how members see your item. You can&apos;t buy it yourself.</p>
          <ButtonLink href="/performer/store" variant="secondary">
            Manage your store
          </ButtonLink>
        </CardBody>
      </Card>
    );
  }
  if (item.soldOut) {
    return (
      <Card>
        <CardHeader title="Sold out" />
        <CardBody className="text-sm text-muted">Every one of these has found a home. Check back later.</CardBody>
      </Card>
    );
  }

  const digital = item.kind === "DIGITAL";
  const quantity = digital ? 1 : /^\d{1,2}$/.test(quantityText.trim()) ? Number(quantityText.trim()) : null;
  const validQuantity = quantity !== null && quantity >= 1 && quantity <= MAX_ORDER_QUANTITY ? quantity : null;
  const total = item.price * BigInt(validQuantity ?? 1);
  const wallet = wallets.chosen;
  const siteCap = walletCap(total, terms.maxWalletShareBps);
  const ownCap = wallet ? walletCap(total, wallet.storeShareCapBps) : siteCap;
  // The wallet's own share cap applies when it is the lower one (Bonus pays at most half of an order).
  const walletCapped = ownCap < siteCap;
  const cap = walletCapped ? ownCap : siteCap;
  const walletName = wallet?.name ?? "Credits";
  const loaded = Boolean(balances.data && wallets.query.data);
  const available = wallet && wallet.balance > 0n && !balances.data?.restricted ? wallet.balance : 0n;
  const walletMax = cap < available ? cap : available;
  const walletPart = walletText === null ? walletMax : /^\d{1,15}$/.test(walletText.trim()) ? BigInt(walletText.trim()) : null;
  const split = walletPart !== null && walletPart <= cap ? splitPayment({ total, walletPart, ...terms }) : null;

  function review() {
    setFormError(null);
    const problems: Errors = {};
    if (validQuantity === null) problems.quantity = `Order between 1 and ${MAX_ORDER_QUANTITY}.`;
    if (walletPart === null) problems.walletPart = "Enter a whole number of credits, or 0.";
    else if (walletPart > cap) {
      problems.walletPart = walletCapped
        ? `Your ${walletName} wallet can pay at most ${formatCredits(cap)} credits of this order.`
        : `At most ${formatCredits(cap)} credits of this order can come from your wallet.`;
    } else if (walletPart > available) problems.walletPart = `You have ${formatCredits(available)} credits in ${walletName}.`;
    let shippingAddress: ShippingAddress | undefined;
    if (!digital) {
      const parsed = shippingAddressSchema.safeParse({ ...address, line2: address.line2.trim() || undefined });
      if (parsed.success) shippingAddress = parsed.data;
      else for (const issue of parsed.error.issues) problems[issue.path[0] as keyof AddressDraft] ??= issue.message;
    }
    setErrors(problems);
    if (Object.keys(problems).length > 0 || validQuantity === null || !split) return;
    setConfirming({ walletTypeId: wallet?.id, walletName, quantity: validQuantity, split, shippingAddress });
  }

  function confirm() {
    if (!confirming) return;
    const request = confirming;
    buy.mutate(
      {
        itemId: item.id,
        quantity: request.quantity,
        walletPart: request.split.walletPart,
        walletTypeId: request.walletTypeId,
        expectedTotal: request.split.total,
        shippingAddress: request.shippingAddress,
        idempotencyKey: idempotencyKey.current,
      },
      {
        onSuccess: (placed) => {
          idempotencyKey.current = crypto.randomUUID();
          if (placed.checkoutUrl) {
            window.location.assign(placed.checkoutUrl);
            return;
          }
          setConfirming(null);
          void queryClient.invalidateQueries(trpc.spending.wallets.pathFilter());
          toast.success("Order placed", `${formatCredits(request.split.total)} credits paid from your ${request.walletName} wallet.`);
          router.push(`/orders/${placed.orderId}`);
        },
        onError: (error) => {
          setConfirming(null);
          // A refusal created nothing, so the next attempt is a new order; a lost answer keeps the key for the retry.
          if (error instanceof TRPCClientError && error.data?.httpStatus && error.data.httpStatus < 500) idempotencyKey.current = crypto.randomUUID();
          const refusal = describePaymentError(error, "this order");
          setFormError(refusal);
          const fieldErrors = (error.data as { fieldErrors?: Record<string, string[]> | null } | undefined)?.fieldErrors ?? {};
          setErrors(Object.fromEntries(Object.entries(fieldErrors).map(([key, messages]) => [key, messages[0]])));
          toast.error("Order not placed", refusal.message);
        },
      },
    );
  }

  const byCard = confirming !== null && confirming.split.cardPart > 0n;
  return (
    <Card aria-labelledby="buy-heading">
      <CardHeader id="buy-heading" title="Buy this item" description={`${formatCredits(item.price)} credits each.`} />
      <CardBody>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            review();
          }}
        >
          {formError ? <PaymentErrorNotice error={formError} /> : null}
          {digital ? null : (
            <Field label="Quantity" name="quantity" error={errors.quantity} hint={item.stock !== null ? `${item.stock} in stock.` : undefined}>
              {(control) => (
                <Input {...control} inputMode="numeric" autoComplete="off" value={quantityText} onChange={(event) => setQuantityText(event.target.value)} />
              )}
            </Field>
          )}
          <fieldset className="space-y-3 rounded-control border border-line p-4">
            <legend className="px-1 text-sm font-semibold">Payment</legend>
            <WalletPicker
              options={wallets.options}
              value={wallet?.id ?? null}
              onChange={(id) => {
                setWalletId(id);
                setWalletText(null);
              }}
              note={(option) =>
                option.storeShareCapBps < FULL_SHARE_BPS ? `Pays at most ${percent(option.storeShareCapBps)} of an order; the card pays the rest.` : null
              }
            />
            <Field
              label="From your wallet"
              name="walletPart"
              error={errors.walletPart}
              hint={
                <>
                  {walletCapped
                    ? `Your ${walletName} wallet pays at most ${percent(wallet?.storeShareCapBps ?? FULL_SHARE_BPS)} of an order: up to ${formatCredits(cap)} credits here`
                    : `Up to ${formatCredits(cap)} credits (${percent(terms.maxWalletShareBps)} of the order) can come from your ${walletName} wallet`}
                  ; you have {loaded ? formatCredits(available) : "…"}. The rest is paid by card at {formatMinor(terms.creditPriceMinor, terms.currency)} a credit.
                </>
              }
            >
              {(control) => (
                <div className="space-y-2">
                  <Input
                    {...control}
                    inputMode="numeric"
                    autoComplete="off"
                    value={walletText ?? walletMax.toString()}
                    onChange={(event) => setWalletText(event.target.value)}
                  />
                  <button
                    type="button"
                    className="text-left text-sm font-semibold text-accent-700 hover:underline disabled:cursor-not-allowed disabled:opacity-60"
                    disabled={!loaded}
                    onClick={() => setWalletText(null)}
                  >
                    Pay the most from your wallet{loaded ? ` (${formatCredits(walletMax)} credits)` : ""}
                  </button>
                </div>
              )}
            </Field>
            <dl className="space-y-1 text-sm" aria-label="Order total">
              <div className="flex justify-between gap-4">
                <dt className="text-muted">Total</dt>
                <dd className="font-semibold tabular-nums">{formatCredits(total)} credits</dd>
              </div>
              <div className="flex justify-between gap-4">
                <dt className="text-muted">From {walletName}</dt>
                <dd className="tabular-nums">{split ? `${formatCredits(split.walletPart)} credits` : "—"}</dd>
              </div>
              <div className="flex justify-between gap-4">
                <dt className="text-muted">By card</dt>
                <dd className="tabular-nums">
                  {split ? (split.cardPart > 0n ? `${formatMinor(split.cardAmountMinor, terms.currency)} (${formatCredits(split.cardPart)} credits)` : "Nothing") : "—"}
                </dd>
              </div>
            </dl>
          </fieldset>
          {digital ? (
            <p className="text-sm text-muted">A digital download: it&apos;s on your order page as soon as you&apos;ve paid.</p>
          ) : (
            <fieldset className="space-y-3">
              <legend className="text-sm font-semibold">Shipping address</legend>
              <AddressFields draft={address} errors={errors} onChange={setAddress} />
            </fieldset>
          )}
          <Button type="submit" className="w-full" disabled={!loaded}>
            Review order
          </Button>
        </form>
      </CardBody>
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        onConfirm={confirm}
        pending={buy.isPending}
        title={`Buy ${item.title}?`}
        description={
          confirming
            ? byCard
              ? `${formatCredits(confirming.split.walletPart)} credits are set aside from your ${confirming.walletName} wallet now, and ${formatMinor(confirming.split.cardAmountMinor, terms.currency)} is charged to your card on the next page. The order completes when the card payment succeeds.`
              : `${formatCredits(confirming.split.total)} credits leave your ${confirming.walletName} wallet now.`
            : undefined
        }
        confirmLabel={byCard ? "Continue to card payment" : "Place order"}
      />
    </Card>
  );
}
