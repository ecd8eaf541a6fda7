"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { z } from "zod";
import { describeTrpcError } from "@/components/auth/form-errors";
import { textAs } from "@/components/kit/form-schema";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { USER_ACCOUNT_KINDS, balanceAdjustmentSchema } from "@/server/domain/balance-adjustments";
import type { UserAccountKind } from "@/server/domain/ledger";
import { formatCredits, formatSignedCredits, parseCredits } from "@/server/domain/money";

export interface AdjustableUser {
  id: string;
  displayName: string;
  username: string;
  available: bigint;
  earnings: bigint;
  pending: bigint;
  held: bigint;
}

type Direction = "credit" | "debit";
type Adjustment = z.output<typeof balanceAdjustmentSchema>;

const ACCOUNT_LABELS: Record<UserAccountKind, string> = { available: "Credits", earnings: "Earnings", pending: "Pending", held: "Held" };

const isAccount = (value: string): value is UserAccountKind => USER_ACCOUNT_KINDS.some((account) => account === value);

/** The adjustment form read into the tRPC input: the amount typed as a magnitude, signed by the direction. */
const adjustmentFormSchema = z
  .object({
    account: z.enum(USER_ACCOUNT_KINDS),
    direction: z.enum(["credit", "debit"]),
    amount: textAs(parseCredits, "Enter a whole number of credits, like 25."),
    reason: balanceAdjustmentSchema.shape.reason,
  })
  .transform(({ direction, amount, ...fields }) => ({ ...fields, amount: direction === "credit" ? amount : -amount }))
  .pipe(balanceAdjustmentSchema);

/** The server's own words: a field's message when the input was refused, else the refusal itself. */
function refusalMessage(error: unknown): string {
  const { message, fieldErrors } = describeTrpcError(error);
  return Object.values(fieldErrors).flat()[0] ?? message;
}

function DirectionToggle({ value, onChange }: { value: Direction; onChange: (direction: Direction) => void }) {
  const name = useId();
  const options: Array<{ value: Direction; label: string }> = [
    { value: "credit", label: "Add credits" },
    { value: "debit", label: "Remove credits" },
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
  idempotencyKey: string;
  onClose: () => void;
  onPendingChange: (pending: boolean) => void;
}

/** The two steps of one opening: the form, then the review with the balance before and after. */
function AdjustmentSteps({ user, idempotencyKey, onClose, onPendingChange }: StepsProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const adjust = useMutation(trpc.ledger.adjust.mutationOptions());
  const form = useZodForm({
    schema: adjustmentFormSchema,
    initial: { account: "available" as UserAccountKind, direction: "credit" as Direction, amount: "", reason: "" },
  });
  const [review, setReview] = useState<Adjustment | null>(null);
  const { values, errors, set } = form;

  const toReview = form.onSubmit(async (adjustment) => setReview(adjustment));

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!review) return;
    onPendingChange(true);
    adjust.mutate(
      { userId: user.id, ...review, idempotencyKey },
      {
        onSuccess: () => {
          toast.success("Balance adjusted", `${user.displayName}: ${formatSignedCredits(review.amount)} ${ACCOUNT_LABELS[review.account].toLowerCase()} credits.`);
          onClose();
          router.refresh();
        },
        onSettled: () => onPendingChange(false),
      },
    );
  }

  if (review) {
    const current = user[review.account];
    return (
      <form onSubmit={confirm} noValidate>
        <div className="space-y-4 px-6 pt-4">
          <div className="rounded-control border border-line bg-subtle/60 px-4 py-3 text-sm">
            <p className="font-semibold">
              {review.amount > 0n ? "Add" : "Remove"} {formatCredits(review.amount > 0n ? review.amount : -review.amount)} credits{" "}
              {review.amount > 0n ? "to" : "from"} the {ACCOUNT_LABELS[review.account].toLowerCase()} balance
            </p>
            <p className="mt-1 text-muted tabular-nums">
              {formatCredits(current)} → {formatCredits(current + review.amount)} credits
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
          <Button type="submit" variant={review.amount > 0n ? "primary" : "danger"} loading={adjust.isPending}>
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
        <Field label="Account" name="account" error={errors.account}>
          {(control) => (
            <Select {...control} value={values.account} onChange={(event) => isAccount(event.target.value) && set("account", event.target.value)}>
              {USER_ACCOUNT_KINDS.map((account) => (
                <option key={account} value={account}>
                  {ACCOUNT_LABELS[account]} ({formatCredits(user[account])} credits)
                </option>
              ))}
            </Select>
          )}
        </Field>
        <DirectionToggle value={values.direction} onChange={(direction) => set("direction", direction)} />
        <Field label="Amount" name="amount" error={errors.amount} hint="Whole credits.">
          {(control) => <Input {...control} inputMode="numeric" autoComplete="off" value={values.amount} onChange={(event) => set("amount", event.target.value)} />}
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
 * An admin's balance correction: account, direction, amount and a reason (which the member sees in their
 * history), then a confirmation. One idempotency key per opening, so a retried confirmation can't post twice.
 */
export function AdjustBalanceAction({ user }: { user: AdjustableUser }) {
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const close = () => setIdempotencyKey(null);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setIdempotencyKey(crypto.randomUUID())} aria-label={`Adjust balance of ${user.displayName} (@${user.username})`}>
        Adjust
      </Button>
      <Dialog
        open={idempotencyKey !== null}
        onClose={close}
        busy={pending}
        title={`Adjust ${user.displayName}'s balance`}
        description={`@${user.username} · available ${formatCredits(user.available)}, pending ${formatCredits(user.pending)}, held ${formatCredits(user.held)} credits`}
      >
        {idempotencyKey ? <AdjustmentSteps key={idempotencyKey} user={user} idempotencyKey={idempotencyKey} onClose={close} onPendingChange={setPending} /> : null}
      </Dialog>
    </>
  );
}
