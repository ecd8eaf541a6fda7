import type { Metadata } from "next";
import Form from "next/form";
import { PageHeader } from "@/components/layout/page-header";
import { type QueueParams, QUEUE_STATUSES, exportHref, parseQueueParams, queueFilters } from "@/components/payouts/queue-params";
import { WithdrawalQueue } from "@/components/payouts/withdrawal-queue";
import { LiveStatus } from "@/components/realtime/live-status";
import { Button, ButtonLink, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { requireArea } from "@/server/auth/guards";
import { ADMINS_CHANNEL, publicPusherConfig } from "@/server/integrations/pusher";
import { PAYOUT_METHODS, PAYOUT_METHOD_LABELS, WITHDRAWAL_STATUS_LABELS } from "@/server/domain/payouts";

export const metadata: Metadata = { title: "Withdrawals" };

const STATUS_OPTIONS: Record<QueueParams["status"], string> = {
  OPEN: "Waiting for an admin",
  ALL: "All statuses",
  ...WITHDRAWAL_STATUS_LABELS,
};

function Filters({ params }: { params: QueueParams }) {
  return (
    <Form action="/admin/withdrawals" role="search" aria-label="Filter withdrawals" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end">
      <div>
        <label htmlFor="filter-status" className="mb-1.5 block text-sm font-medium">
          Status
        </label>
        <Select id="filter-status" name="status" defaultValue={params.status}>
          {QUEUE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_OPTIONS[status]}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="filter-performer" className="mb-1.5 block text-sm font-medium">
          Performer
        </label>
        <Input id="filter-performer" name="performer" defaultValue={params.performer} placeholder="Name, username or email" />
      </div>
      <div>
        <label htmlFor="filter-method" className="mb-1.5 block text-sm font-medium">
          Method
        </label>
        <Select id="filter-method" name="method" defaultValue={params.method}>
          <option value="">All methods</option>
          {PAYOUT_METHODS.map((method) => (
            <option key={method} value={method}>
              {PAYOUT_METHOD_LABELS[method]}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="filter-from" className="mb-1.5 block text-sm font-medium">
          Requested from
        </label>
        <Input id="filter-from" name="from" type="date" defaultValue={params.from} />
      </div>
      <div>
        <label htmlFor="filter-to" className="mb-1.5 block text-sm font-medium">
          Requested to
        </label>
        <Input id="filter-to" name="to" type="date" defaultValue={params.to} />
      </div>
      <div className="flex gap-2">
        <Button type="submit" className="flex-1 lg:flex-none">
          Apply
        </Button>
        <ButtonLink href="/admin/withdrawals" variant="ghost">
          Reset
        </ButtonLink>
      </div>
    </Form>
  );
}

export default async function AdminWithdrawalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireArea("admin");
  const params = parseQueueParams(await searchParams);
  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader
        title="Withdrawals"
        description="Review what performers asked to withdraw. Nothing is paid without your approval unless auto-approval is on. Dates are UTC days."
        actions={
          <>
            {/* Plain links: a download is a document request, not a client-side navigation. */}
            <a href={exportHref(params, "csv")} download className={buttonClasses({ variant: "secondary" })}>
              Export CSV
            </a>
            <a href={exportHref(params, "xlsx")} download className={buttonClasses({ variant: "secondary" })}>
              Export Excel
            </a>
            <ButtonLink href="/admin/payouts/settings" variant="secondary">
              Payout settings
            </ButtonLink>
          </>
        }
      />
      <LiveStatus config={publicPusherConfig()} channel={ADMINS_CHANNEL} refreshServerData />
      <Card className="mt-8 px-5 py-4 sm:px-6">
        <Filters params={params} />
      </Card>
      <div className="mt-6">
        <WithdrawalQueue filters={queueFilters(params)} />
      </div>
    </div>
  );
}
