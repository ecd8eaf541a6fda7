import type { Metadata } from "next";
import { PerformerProfileForm } from "@/components/account/performer-profile-form";
import { MaturingEarnings } from "@/components/earnings/maturing-earnings";
import { PageHeader } from "@/components/layout/page-header";
import { ApplicationBadge } from "@/components/layout/role-badge";
import { PerformerAvatar } from "@/components/performers/performer-card";
import { TipsFeed } from "@/components/tips/tips-feed";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

export const metadata: Metadata = { title: "Performer dashboard" };

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "long", year: "numeric" });

export default async function PerformerDashboardPage() {
  const user = await requireArea("performer");
  const account = await (await getServerApi()).auth.me();
  const profile = account.performerProfile;

  if (!profile) {
    return (
      <div className="container-page py-8 sm:py-10">
        <EmptyState
          title="No performer profile"
          description="Your account is a performer account but has no profile. Contact support so we can fix it."
        />
      </div>
    );
  }

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Performer dashboard"
        title={profile.stageName}
        description="Your tips, when your earnings become available, and your public profile as members see it."
        actions={
          <>
            <ButtonLink href={`/p/${account.username}`} variant="secondary">
              View public page
            </ButtonLink>
            <ButtonLink href={`/room/${account.username}`}>Go to my room</ButtonLink>
          </>
        }
      />
      <div className="mt-8 grid gap-6 lg:grid-cols-3 lg:items-start">
        <div className="lg:col-span-2">
          <TipsFeed config={publicPusherConfig()} channel={userChannel(user.id)} />
        </div>
        <MaturingEarnings />
        <Card aria-labelledby="profile-status-heading">
          <CardHeader id="profile-status-heading" title="Profile" action={<ApplicationBadge status={profile.status} />} />
          <CardBody className="space-y-4 text-sm">
            <div className="flex items-center gap-3">
              <PerformerAvatar stageName={profile.stageName} username={account.username} />
              <div className="min-w-0">
                <p className="truncate font-semibold">{profile.stageName}</p>
                <p className="truncate text-muted">tipmeter/p/{account.username}</p>
              </div>
            </div>
            <dl className="space-y-2">
              <div className="flex justify-between gap-4">
                <dt className="text-muted">Applied</dt>
                <dd>{dateFormat.format(profile.createdAt)}</dd>
              </div>
              {profile.reviewedAt ? (
                <div className="flex justify-between gap-4">
                  <dt className="text-muted">Approved</dt>
                  <dd>{dateFormat.format(profile.reviewedAt)}</dd>
                </div>
              ) : null}
            </dl>
          </CardBody>
        </Card>
        <Card className="lg:col-span-2" aria-labelledby="edit-profile-heading">
          <CardHeader id="edit-profile-heading" title="Edit public profile" description="Changes show on your public page at once." />
          <CardBody>
            <PerformerProfileForm mode="edit" initial={{ stageName: profile.stageName, bio: profile.bio }} />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
