import type { Metadata } from "next";
import { AccountSummary } from "@/components/account/account-summary";
import { PerformerProfileForm } from "@/components/account/performer-profile-form";
import { ApplicationBadge } from "@/components/layout/role-badge";
import { PageHeader } from "@/components/layout/page-header";
import { PayoutProfileForm } from "@/components/payouts/payout-profile-form";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Account" };

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "long", year: "numeric" });

export default async function AccountPage() {
  await requireArea("member");
  const account = await (await getServerApi()).auth.me();
  const application = account.performerProfile;

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Account" description="Your profile and, if you perform, your performer application." />
      <div className="mt-8 grid gap-6 lg:grid-cols-2 lg:items-start">
        <AccountSummary account={account} />

        {account.role === "ADMIN" ? null : (
          <Card id="performer-application" aria-labelledby="application-heading" className="scroll-mt-24">
            <CardHeader
              id="application-heading"
              title="Performer application"
              description={
                application
                  ? `Submitted ${dateFormat.format(application.createdAt)}`
                  : "Perform on Tipmeter: earn from tips, shows and content."
              }
              action={application ? <ApplicationBadge status={application.status} /> : null}
            />
            <CardBody className="space-y-5">
              {!application ? (
                <>
                  <p className="text-sm text-muted">
                    Tell us the name you perform under and a little about yourself. An admin reviews every application,
                    usually within a day.
                  </p>
                  <PerformerProfileForm mode="apply" />
                </>
              ) : null}

              {application?.status === "PENDING" ? (
                <div className="space-y-2 text-sm">
                  <p>
                    You applied as <strong>{application.stageName}</strong>. We&apos;ll switch on your performer
                    dashboard as soon as an admin approves it.
                  </p>
                  {application.bio ? <p className="whitespace-pre-line text-muted">{application.bio}</p> : null}
                </div>
              ) : null}

              {application?.status === "PENDING" ? (
                <div className="space-y-3 border-t border-line pt-5">
                  <h3 className="text-sm font-semibold">Payout details</h3>
                  <p className="text-sm text-muted">Add where your earnings should be paid; the admin reviewing you sees them.</p>
                  <PayoutProfileForm returnTo="account" />
                </div>
              ) : null}

              {application?.status === "APPROVED" ? (
                <div className="space-y-4 text-sm">
                  <p>
                    You&apos;re a performer as <strong>{application.stageName}</strong>. Edit your stage name and bio
                    from your dashboard.
                  </p>
                  <ButtonLink href="/performer">Open performer dashboard</ButtonLink>
                </div>
              ) : null}

              {application?.status === "REJECTED" ? (
                <>
                  <div className="rounded-control border border-red-200 bg-red-50 p-4 text-sm text-red-900">
                    <p className="font-semibold">Your application wasn&apos;t approved.</p>
                    {application.reviewNote ? <p className="mt-1">Reviewer&apos;s note: {application.reviewNote}</p> : null}
                  </div>
                  <p className="text-sm text-muted">You can update your details and apply again.</p>
                  <PerformerProfileForm mode="apply" initial={{ stageName: application.stageName, bio: application.bio }} />
                </>
              ) : null}
            </CardBody>
          </Card>
        )}
      </div>
    </div>
  );
}
