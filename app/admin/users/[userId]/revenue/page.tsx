import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "@/components/layout/page-header";
import { RevenueReport } from "@/components/revenue/revenue-report";
import { ButtonLink } from "@/components/ui/button";
import { requireArea } from "@/server/auth/guards";
import { revenuePerformer } from "@/server/services/revenue";

export const metadata: Metadata = { title: "Business revenue" };

export default async function AdminPerformerRevenuePage({ params }: { params: Promise<{ userId: string }> }) {
  await requireArea("admin");
  const userId = z.uuid().safeParse((await params).userId);
  const performer = userId.success ? await revenuePerformer(userId.data) : null;
  if (!performer) notFound();
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        eyebrow="Users"
        title={`Business revenue: ${performer.displayName}`}
        description={`Every sale @${performer.username} made, with gross, platform fee, processor fees and net, and totals by day and month.`}
        actions={
          <ButtonLink href={`/admin/users?q=${encodeURIComponent(performer.username)}`} variant="secondary">
            Back to users
          </ButtonLink>
        }
      />
      <div className="mt-8">
        <RevenueReport performerId={performer.id} possessive={`${performer.displayName}'s`} />
      </div>
    </div>
  );
}
