"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import type { RoomMember } from "@/components/rooms/room-events";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { formatCredits, parseCredits } from "@/server/domain/money";
import { MAX_PAYMENT_REQUEST_DESCRIPTION, PAYMENT_REQUEST_TYPES, PAYMENT_REQUEST_TYPE_LABELS, sendPaymentRequestSchema } from "@/server/domain/payment-requests";
import type { PaymentRequestType } from "@/server/generated/prisma/enums";

type Errors = Partial<Record<"memberId" | "type" | "description" | "amount", string>>;

/**
 * The performer's "Request a payment": whom (someone in the room now), an online service or physical goods, what
 * it is for and how many credits. Checked here with the server's schema; the server checks again, and that the
 * member is still in the room.
 */
export function RequestPaymentCard({ members }: { members: readonly RoomMember[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const send = useMutation(trpc.paymentRequests.send.mutationOptions());
  const [memberId, setMemberId] = useState("");
  const [type, setType] = useState<PaymentRequestType>("SERVICE");
  const [description, setDescription] = useState("");
  const [amountText, setAmountText] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const key = useRef<string>(crypto.randomUUID());
  const typeName = useId();
  const chosen = members.find((member) => member.id === memberId);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const amount = parseCredits(amountText);
    const parsed = sendPaymentRequestSchema.safeParse({ memberId, type, description, amount: amount ?? undefined, idempotencyKey: key.current });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof Errors;
        next[field] ??= field === "amount" && amount === null ? "Enter a whole number of credits." : issue.message;
      }
      if (!memberId) next.memberId = "Choose who in your room pays.";
      setErrors(next);
      return;
    }
    setErrors({});
    send.mutate(parsed.data, {
      onSuccess: (request) => {
        key.current = crypto.randomUUID();
        setDescription("");
        setAmountText("");
        toast.success("Payment request sent", `${request.member.displayName} was asked for ${formatCredits(request.amount)} credits.`);
      },
      onError: (error) => {
        const { message, fieldErrors } = describeTrpcError(error);
        setErrors(Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages[0]])));
        setFormError(message);
        key.current = crypto.randomUUID();
      },
    });
  }

  return (
    <Card aria-labelledby="request-payment-heading">
      <CardHeader
        id="request-payment-heading"
        title="Request a payment"
        description="Ask someone in your room to pay for an online service or physical goods. They see it at once and pay from their wallet or by card."
      />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-4">
          {formError ? <FormAlert>{formError}</FormAlert> : null}
          <Field label="Who pays" name="memberId" error={errors.memberId} hint={members.length === 0 ? "Nobody else is in your room right now." : undefined}>
            {(control) => (
              <Select {...control} value={memberId} onChange={(event) => setMemberId(event.target.value)}>
                <option value="">Choose someone in your room</option>
                {members.map((member) => (
                  <option key={member.id} value={member.id}>
                    {member.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-fg">What it is</legend>
            <div className="flex flex-wrap gap-2">
              {PAYMENT_REQUEST_TYPES.map((option) => (
                <label
                  key={option}
                  className={`flex cursor-pointer items-center gap-2 rounded-control border px-3 py-2 text-sm ${option === type ? "border-accent-600 bg-accent-50" : "border-line"}`}
                >
                  <input type="radio" name={typeName} value={option} checked={option === type} onChange={() => setType(option)} />
                  {PAYMENT_REQUEST_TYPE_LABELS[option]}
                </label>
              ))}
            </div>
          </fieldset>
          <Field
            label="Description"
            name="description"
            error={errors.description}
            hint={description.length > MAX_PAYMENT_REQUEST_DESCRIPTION - 40 ? `${description.length}/${MAX_PAYMENT_REQUEST_DESCRIPTION}` : undefined}
          >
            {(control) => (
              <Textarea
                {...control}
                rows={2}
                maxLength={MAX_PAYMENT_REQUEST_DESCRIPTION + 50}
                placeholder={type === "SERVICE" ? "A 10-minute custom song, live" : "A signed poster, mailed to you"}
                value={description}
                onChange={(event) => setDescription(event.target.value)}
              />
            )}
          </Field>
          <Field label="Amount (credits)" name="amount" error={errors.amount}>
            {(control) => <Input {...control} inputMode="numeric" autoComplete="off" value={amountText} onChange={(event) => setAmountText(event.target.value)} />}
          </Field>
          <Button type="submit" className="w-full" loading={send.isPending}>
            {chosen ? `Send to ${chosen.name}` : "Send request"}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
