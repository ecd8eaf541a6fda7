import type { Metadata } from "next";
import { UndeliveredMessages } from "@/components/admin/outbox/undelivered-messages";
import { PageHeader } from "@/components/layout/page-header";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Undelivered messages" };

export default async function UndeliveredMessagesPage() {
  await requireArea("admin");
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Undelivered messages"
        description="Emails and live updates are written with the change they announce and sent by the worker, which retries with growing waits. Those that keep failing show here; after 8 tries one is given up until you send it again."
      />
      <div className="mt-8">
        <UndeliveredMessages />
      </div>
    </div>
  );
}
