import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { SettingsForms } from "@/components/settings/settings-forms";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Settings"
        description="How long earnings are held, transfers, the store, memberships, shows and payouts. Each change is recorded in the audit log with its old and new values."
      />
      <div className="mt-8">
        <SettingsForms />
      </div>
    </div>
  );
}
