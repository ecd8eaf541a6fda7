"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useId, useMemo, useState } from "react";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { adjustmentAmount, balanceAdjustmentSchema, isEarningsStage } from "@/server/domain/balance-adjustments";
import { CREDITS } from "@/server/domain/ledger";
import { formatWalletAmount, formatUnits } from "@/server/domain/money";
import type { UserWallet } from "@/server/services/books";

export interface AdjustableUser {
  id: string;
  displayName: string;
  username: string;
  /** A wallet per active wallet type, each in its own currency. */
  wallets: UserWallet[];
  pending: bigint;
  held: bigint;
}

type Direction = "credit" | "debit";

/** What the form can adjust: each wallet, then the earnings stages (credits, whole numbers). */
interface AdjustableBalance {
  id: string;
  name: string;
  currency: string;
  exponent: number;
  balance: bigint;
}

function balancesOf(user: AdjustableUser): AdjustableBalance[] {
  return [
    ...user.wallets,
    { id: "pending", name: "Pending", currency: CREDITS, exponent: 0, balance: user.pending },
    { id: "held", name: "Held", currency: CREDITS, exponent: 0, balance: user.held },
  ];
}

/** "$12.34" or "1,234 credits": a balance's amount as the review and the options read it. */
function amountText(amount: bigint, balance: AdjustableBalance): string {
  return formatWalletAmount(amount, { currency: balance.currency, exponent: balance.exponent });
}

function unitsHint(balance: AdjustableBalance): string {
  if (balance.exponent === 0) return balance.currency === CREDITS ? "Whole credits." : `Whole ${balance.currency}.`;
  return `In ${balance.currency}, up to ${balance.exponent} decimal${balance.exponent === 1 ? "" : "s"}, like ${formatUnits(1250n * 10n ** BigInt(balance.exponent - 1), balance.exponent)}.`;
}

/**
 * The adjustment form read into the tRPC input: the magnitude typed in the chosen wallet's units, signed by the
 * direction, and checked with the very function the server reads it with (`adjustmentAmount`), so a third decimal
 * on a dollar wallet is refused here with the server's words.
 */
function adjustmentFormSchema(balances: readonly AdjustableBalance[]) {
  return z
    .object({
      wallet: balanceAdjustmentSchema.shape.wallet,
      direction: z.enum(["credit", "debit"]),
      amount: z.string().trim().min(1, "Enter an amount."),
      reason: balanceAdjustmentSchema.shape.reason,
    })
    .transform(({ wallet, direction, amount, reason }, ctx) => {
      const balance = balances.find((candidate) => candidate.id === wallet);
      if (!balance) {
        ctx.addIssue({ code: "custom", path: ["wallet"], message: "Choose a wallet." });
        return z.NEVER;
      }
      const signed = direction === "credit" ? amount : `-${amount}`;
      try {
        return { wallet, amount: signed, reason, minor: adjustmentAmount(signed, balance), balance };
      } catch (error) {
        ctx.addIssue({ code: "custom", path: ["amount"], message: error instanceof Error ? error.message : "Enter an amount like 25 or 12.50." });
        return z.NEVER;
      }
    });
}

type Adjustment = z.output<ReturnType<typeof adjustmentFormSchema>>;

/** The server's own words: a field's message when the input was refused, else the refusal itself. */
function refusalMessage(error: unknown): string {
  const { message, fieldErrors } = describeTrpcError(error);
  return Object.values(fieldErrors).flat()[0] ?? message;
}

function DirectionToggle({ value, onChange }: { value: Direction; onChange: (direction: Direction) => void }) {
  const name = useId();
  const options: Array<{ value: Direction; label: string }> = [
    { value: "credit", label: "Add" },
    { value: "debit", label: "Remove" },
  ];
  return (
    <fieldset>
      <legend className="mb-1.5 block text-sm font-medium">Direction</legend>
      <div className="grid grid-cols-2 gap-1 rounded-control bg-subtle p-1">
        {options.map((option) => (
          <label
            key={option.value}
            className={cn(
              "relative rounded-md px-3 py-2 text-center text-sm font-semibold transition-colors has-focus-visible:outline-2 has-focus-visible:outline-focus",
              value === option.value ? "bg-surface text-fg shadow-sm" : "text-muted hover:text-fg",
            )}
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              className="absolute inset-0 size-full cursor-pointer opacity-0"
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function DialogButtons({ children }: { children: ReactNode }) {
  return <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">{children}</div>;
}

interface StepsProps {
  user: AdjustableUser;
  /** The balance the form opens on (a wallet type id, "pending" or "held"); the first wallet otherwise. */
  initialWallet?: string;
  idempotencyKey: string;
  onClose: () => void;
  onPendingChange: (pending: boolean) => void;
}

/** The two steps of one opening: the form, then the review with the balance before and after. */
function AdjustmentSteps({ user, initialWallet, idempotencyKey, onClose, onPendingChange }: StepsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const adjust = useMutation(trpc.ledger.adjust.mutationOptions());
  const balances = useMemo(() => balancesOf(user), [user]);
  const schema = useMemo(() => adjustmentFormSchema(balances), [balances]);
  const startOn = balances.find((balance) => balance.id === initialWallet) ?? balances[0];
  const form = useZodForm({ schema, initial: { wallet: startOn?.id ?? "", direction: "credit" as Direction, amount: "", reason: "" } });
  const [review, setReview] = useState<Adjustment | null>(null);
  const { values, errors, set } = form;
  const chosen = balances.find((balance) => balance.id === values.wallet) ?? balances[0];

  const toReview = form.onSubmit(async (adjustment) => setReview(adjustment));

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!review) return;
    onPendingChange(true);
    adjust.mutate(
      { userId: user.id, wallet: review.wallet, amount: review.amount, reason: review.reason, idempotencyKey },
      {
        onSuccess: () => {
          const sign = review.minor > 0n ? "+" : "-";
          toast.success("Balance adjusted", `${user.displayName}: ${sign}${amountText(review.minor > 0n ? review.minor : -review.minor, review.balance)}, ${review.balance.name}.`);
          onClose();
          // The users table is rendered on the server; the user page reads balances and transactions with ledger queries.
          router.refresh();
          void queryClient.invalidateQueries(trpc.ledger.pathFilter());
        },
        onSettled: () => onPendingChange(false),
      },
    );
  }

  if (review) {
    const { balance, minor } = review;
    const magnitude = minor > 0n ? minor : -minor;
    return (
      <form onSubmit={confirm} noValidate>
        <div className="space-y-4 px-6 pt-4">
          <div className="rounded-control border border-line bg-subtle/60 px-4 py-3 text-sm">
            <p className="font-semibold">
              {minor > 0n ? "Add" : "Remove"} {amountText(magnitude, balance)} {minor > 0n ? "to" : "from"} the {balance.name} {isEarningsStage(balance.id) ? "balance" : "wallet"}
            </p>
            <p className="mt-1 text-muted tabular-nums">
              {amountText(balance.balance, balance)} → {amountText(balance.balance + minor, balance)}
            </p>
            <p className="mt-2 text-muted">Reason: “{review.reason}”</p>
          </div>
          {adjust.isError ? <FormAlert>{refusalMessage(adjust.error)}</FormAlert> : null}
        </div>
        <DialogButtons>
          <Button
            variant="secondary"
            onClick={() => {
              adjust.reset();
              setReview(null);
            }}
            disabled={adjust.isPending}
          >
            Back
          </Button>
          <Button type="submit" variant={minor > 0n ? "primary" : "danger"} loading={adjust.isPending}>
            Confirm adjustment
          </Button>
        </DialogButtons>
      </form>
    );
  }

  return (
    <form onSubmit={toReview} noValidate>
      <div className="space-y-4 px-6 pt-4">
        {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
        <Field label="Wallet" name="wallet" error={errors.wallet}>
          {(control) => (
            <Select {...control} value={values.wallet} onChange={(event) => set("wallet", event.target.value)}>
              {balances.map((balance) => (
                <option key={balance.id} value={balance.id}>
                  {balance.name} ({amountText(balance.balance, balance)})
                </option>
              ))}
            </Select>
          )}
        </Field>
        <DirectionToggle value={values.direction} onChange={(direction) => set("direction", direction)} />
        <Field label="Amount" name="amount" error={errors.amount} hint={chosen ? unitsHint(chosen) : undefined}>
          {(control) => (
            <Input
              {...control}
              inputMode={chosen && chosen.exponent > 0 ? "decimal" : "numeric"}
              autoComplete="off"
              value={values.amount}
              onChange={(event) => set("amount", event.target.value)}
            />
          )}
        </Field>
        <Field label="Reason" name="reason" error={errors.reason} hint="The member sees it in their history; the audit log keeps it.">
          {(control) => <Textarea {...control} rows={3} maxLength={500} value={values.reason} onChange={(event) => set("reason", event.target.value)} />}
        </Field>
      </div>
      <DialogButtons>
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit">Review adjustment</Button>
      </DialogButtons>
    </form>
  );
}

/**
 * An admin's balance correction: wallet, direction, amount and a reason (which the member sees in their
 * history), then a confirmation. One idempotency key per opening, so a retried confirmation can't post twice.
 * Given a wallet (the user page's button beside a balance), the form opens on it and the button is named for it.
 */
export function AdjustBalanceAction({ user, wallet }: { user: AdjustableUser; wallet?: { id: string; name: string } }) {
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const close = () => setIdempotencyKey(null);
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => setIdempotencyKey(crypto.randomUUID())}
        aria-label={wallet ? `Adjust ${wallet.name}` : `Adjust balance of ${user.displayName} (@${user.username})`}
      >
        Adjust
      </Button>
      <Dialog
        open={idempotencyKey !== null}
        onClose={close}
        busy={pending}
        title={`Adjust ${user.displayName}'s balance`}
        description={`@${user.username} · ${balancesOf(user)
          .map((balance) => `${balance.name} ${amountText(balance.balance, balance)}`)
          .join(", ")}`}
      >
        {idempotencyKey ? <AdjustmentSteps key={idempotencyKey} user={user} initialWallet={wallet?.id} idempotencyKey={idempotencyKey} onClose={close} onPendingChange={setPending} /> : null}
      </Dialog>
    </>
  );
}
