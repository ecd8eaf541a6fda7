import type { Metadata } from "next";
import { AuditLogExplorer } from "@/components/admin/audit/audit-log-explorer";
import { parseAuditParams } from "@/components/admin/audit/audit-params";
import { PageHeader } from "@/components/layout/page-header";
import { FormAlert } from "@/components/ui/field";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireArea("admin");
  const { params, problems } = parseAuditParams(await searchParams);
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Audit log"
        description="Every admin action and sensitive change, newest first: balance adjustments, suspensions, revealed payout details, settings."
      />
      <div className="mt-8 space-y-4">
        {problems.length ? (
          <FormAlert tone="info">
            <ul>
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </FormAlert>
        ) : null}
        {/* Remounted per filter, so the form's fields show what the URL now says. */}
        <AuditLogExplorer key={JSON.stringify(params)} params={params} />
      </div>
    </div>
  );
}
