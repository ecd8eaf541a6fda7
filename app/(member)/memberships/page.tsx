import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { MyMemberships } from "@/components/memberships/my-memberships";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Memberships" };

export default async function MembershipsPage() {
  await requireArea("member");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Memberships"
        description="Your fan clubs and Premium: when each renews and for how much. Renewals are paid from your credits."
        actions={
          <ButtonLink href="/premium" variant="secondary">
            Go Premium
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <MyMemberships />
      </div>
    </div>
  );
}
