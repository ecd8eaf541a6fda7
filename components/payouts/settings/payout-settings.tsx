"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { PayoutFields } from "./payout-fields";
import { PayoutMethods } from "./payout-methods";
import { PayoutPolicyForm } from "./payout-policy-form";
import { PayoutRates } from "./payout-rates";

/** Everything admins set for payouts, on one page. */
export function PayoutSettings() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.payouts.settings.get.queryOptions());
  if (settings.isError) return <QueryError what="the payout settings" onRetry={() => void settings.refetch()} retrying={settings.isFetching} />;
  const data = settings.data;
  if (!data) {
    return (
      <div className="space-y-3" role="status">
        <span className="sr-only">Loading the payout settings…</span>
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <Card aria-labelledby="policy-heading">
        <CardHeader id="policy-heading" title="Review and lock" description="Nothing is paid without review unless you turn auto-approval on." />
        <CardBody>
          <PayoutPolicyForm key={`${data.policy.methodLockDays}:${data.policy.autoApproveBelowCredits ?? "off"}`} policy={data.policy} />
        </CardBody>
      </Card>
      <Card aria-labelledby="rates-heading">
        <CardHeader id="rates-heading" title="Money value of credits" description="Per payout currency. A request keeps the amounts it was quoted." />
        <CardBody>
          <PayoutRates rates={data.rates} />
        </CardBody>
      </Card>
      <Card aria-labelledby="methods-heading">
        <CardHeader
          id="methods-heading"
          title="Methods, fees and limits"
          description="Fee = fixed part + percentage of the money value, the percentage rounded up to a whole cent. Limits are per request."
        />
        <CardBody>
          <PayoutMethods methods={data.methods} />
        </CardBody>
      </Card>
      <Card aria-labelledby="fields-heading">
        <CardHeader
          id="fields-heading"
          title="Payout profile fields"
          description="What performers must fill in. Changing a performer's details pauses their withdrawals; adding a required field makes profiles without it incomplete."
        />
        <CardBody>
          <PayoutFields fields={data.fields} />
        </CardBody>
      </Card>
    </div>
  );
}
