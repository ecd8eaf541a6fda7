import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { PayoutProfileForm } from "@/components/payouts/payout-profile-form";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Payout details" };

export default async function PayoutProfilePage() {
  await requireArea("performer");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer"
        title="Payout details"
        description="Where your withdrawals are paid. Admins see these details when they pay you; sensitive values stay masked in their lists."
        actions={
          <ButtonLink href="/performer/withdrawals" variant="secondary">
            Withdrawals
          </ButtonLink>
        }
      />
      <Card className="mt-8 max-w-3xl" aria-labelledby="payout-details-heading">
        <CardHeader id="payout-details-heading" title="Payout method and details" />
        <CardBody>
          <PayoutProfileForm returnTo="profile" />
        </CardBody>
      </Card>
    </div>
  );
}
