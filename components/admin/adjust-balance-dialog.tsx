"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import type { UserAccountKind } from "@/server/domain/ledger";
import { formatCredits, formatSignedCredits, parseCredits } from "@/server/domain/money";

export interface AdjustableUser {
  id: string;
  displayName: string;
  username: string;
  available: bigint;
  pending: bigint;
  held: bigint;
}

type Direction = "credit" | "debit";

interface Draft {
  account: UserAccountKind;
  direction: Direction;
  amount: string;
  reason: string;
}

const EMPTY_DRAFT: Draft = { account: "available", direction: "credit", amount: "", reason: "" };
const ACCOUNT_LABELS: Record<UserAccountKind, string> = { available: "Available", pending: "Pending", held: "Held" };

interface Review {
  amount: bigint;
  reason: string;
}

/** The signed amount and trimmed reason a draft stands for, or the messages for what is missing. */
function reviewDraft(draft: Draft): { review: Review } | { errors: Partial<Record<"amount" | "reason", string>> } {
  const magnitude = parseCredits(draft.amount);
  const reason = draft.reason.trim();
  const errors: Partial<Record<"amount" | "reason", string>> = {};
  if (magnitude === null) errors.amount = "Enter a whole number of credits, like 25.";
  if (reason.length < 3) errors.reason = "Give a reason of at least 3 characters.";
  if (magnitude === null || reason.length < 3) return { errors };
  return { review: { amount: draft.direction === "credit" ? magnitude : -magnitude, reason } };
}

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

/**
 * An admin's balance correction: account, direction, amount and a reason (which the member sees in their
 * history), then a confirmation. One idempotency key per opening, so a retried confirmation can't post twice.
 */
export function AdjustBalanceAction({ user }: { user: AdjustableUser }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const [idempotencyKey, setIdempotencyKey] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<Partial<Record<"amount" | "reason", string>>>({});
  const [review, setReview] = useState<Review | null>(null);
  const adjust = useMutation(trpc.ledger.adjust.mutationOptions());

  function open() {
    setIdempotencyKey(crypto.randomUUID());
    setDraft(EMPTY_DRAFT);
    setErrors({});
    setReview(null);
    adjust.reset();
  }

  function close() {
    setIdempotencyKey(null);
  }

  function update(changes: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...changes }));
    setErrors({});
  }

  function submitDraft(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = reviewDraft(draft);
    if ("errors" in result) setErrors(result.errors);
    else setReview(result.review);
  }

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!review || !idempotencyKey) return;
    adjust.mutate(
      { userId: user.id, account: draft.account, amount: review.amount, reason: review.reason, idempotencyKey },
      {
        onSuccess: () => {
          toast.success("Balance adjusted", `${user.displayName}: ${formatSignedCredits(review.amount)} ${ACCOUNT_LABELS[draft.account].toLowerCase()} credits.`);
          close();
          router.refresh();
        },
      },
    );
  }

  const current = user[draft.account];
  const accountLabel = ACCOUNT_LABELS[draft.account].toLowerCase();
  return (
    <>
      <Button size="sm" variant="secondary" onClick={open} aria-label={`Adjust balance of ${user.displayName} (@${user.username})`}>
        Adjust
      </Button>
      <Dialog
        open={idempotencyKey !== null}
        onClose={close}
        busy={adjust.isPending}
        title={`Adjust ${user.displayName}'s balance`}
        description={`@${user.username} · available ${formatCredits(user.available)}, pending ${formatCredits(user.pending)}, held ${formatCredits(user.held)} credits`}
      >
        {review ? (
          <form onSubmit={confirm} noValidate>
            <div className="space-y-4 px-6 pt-4">
              <div className="rounded-control border border-line bg-subtle/60 px-4 py-3 text-sm">
                <p className="font-semibold">
                  {review.amount > 0n ? "Add" : "Remove"} {formatCredits(review.amount > 0n ? review.amount : -review.amount)} credits{" "}
                  {review.amount > 0n ? "to" : "from"} the {accountLabel} balance
                </p>
                <p className="mt-1 text-muted tabular-nums">
                  {formatCredits(current)} → {formatCredits(current + review.amount)} credits
                </p>
                <p className="mt-2 text-muted">Reason: “{review.reason}”</p>
              </div>
              {adjust.isError ? <FormAlert>{refusalMessage(adjust.error)}</FormAlert> : null}
            </div>
            <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
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
            </div>
          </form>
        ) : (
          <form onSubmit={submitDraft} noValidate>
            <div className="space-y-4 px-6 pt-4">
              <Field label="Account" name="account">
                {(control) => (
                  <Select
                    {...control}
                    value={draft.account}
                    onChange={(event) => update({ account: event.target.value as UserAccountKind })}
                  >
                    {(Object.keys(ACCOUNT_LABELS) as UserAccountKind[]).map((account) => (
                      <option key={account} value={account}>
                        {ACCOUNT_LABELS[account]} ({formatCredits(user[account])} credits)
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <DirectionToggle value={draft.direction} onChange={(direction) => update({ direction })} />
              <Field label="Amount" name="amount" error={errors.amount} hint="Whole credits.">
                {(control) => (
                  <Input {...control} inputMode="numeric" autoComplete="off" value={draft.amount} onChange={(event) => update({ amount: event.target.value })} />
                )}
              </Field>
              <Field label="Reason" name="reason" error={errors.reason} hint="The member sees it in their history; the audit log keeps it.">
                {(control) => <Textarea {...control} rows={3} maxLength={500} value={draft.reason} onChange={(event) => update({ reason: event.target.value })} />}
              </Field>
            </div>
            <div className="mt-6 flex flex-col-reverse gap-2 border-t border-line bg-subtle/50 px-6 py-4 sm:flex-row sm:justify-end">
              <Button variant="secondary" onClick={close}>
                Cancel
              </Button>
              <Button type="submit">Review adjustment</Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
