"use client";

import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { describeTrpcError } from "@/components/auth/form-errors";
import { FormAlert } from "@/components/ui/field";

export interface PaymentError {
  message: string;
  /** The payer lacks credits: the notice offers the way to buy more. */
  needsCredits: boolean;
}

/** A refused payment, worded for the payer; `purpose` names what they tried to pay for ("this tip"). */
export function describePaymentError(error: unknown, purpose: string): PaymentError {
  if (error instanceof TRPCClientError) {
    const domainCode = (error.data as { domainCode?: string | null } | undefined)?.domainCode;
    if (domainCode === "INSUFFICIENT_FUNDS") {
      return { message: `You don't have enough credits for ${purpose}.`, needsCredits: true };
    }
    if (domainCode === "ACCOUNT_RESTRICTED") {
      return { message: "Your wallet is restricted until its negative balance is settled, so payments are paused.", needsCredits: false };
    }
  }
  return { message: describeTrpcError(error).message, needsCredits: false };
}

export function PaymentErrorNotice({ error }: { error: PaymentError }) {
  return (
    <FormAlert>
      {error.message}
      {error.needsCredits ? (
        <>
          {" "}
          <Link href="/wallet/buy" className="font-semibold underline">
            Buy credits
          </Link>{" "}
          and try again.
        </>
      ) : null}
    </FormAlert>
  );
}
