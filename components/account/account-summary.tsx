import type { ReactNode } from "react";
import { RoleBadge, StatusBadge } from "@/components/layout/role-badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { Role, UserStatus } from "@/server/generated/prisma/enums";

export interface AccountSummaryData {
  displayName: string;
  username: string;
  email: string;
  role: Role;
  status: UserStatus;
  createdAt: Date;
}

const dateFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "long", year: "numeric" });

export function AccountSummary({ account, action }: { account: AccountSummaryData; action?: ReactNode }) {
  const rows: Array<[string, ReactNode]> = [
    ["Display name", account.displayName],
    ["Username", `@${account.username}`],
    ["Email", account.email],
    ["Role", <RoleBadge key="role" role={account.role} />],
    ["Status", <StatusBadge key="status" status={account.status} />],
    ["Member since", dateFormat.format(account.createdAt)],
  ];
  return (
    <Card aria-labelledby="account-summary-heading">
      <CardHeader id="account-summary-heading" title="Your account" action={action} />
      <CardBody className="py-2 sm:py-2">
        <dl className="divide-y divide-line">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-1 gap-1 py-3 sm:grid-cols-3 sm:gap-4">
              <dt className="text-sm text-muted">{label}</dt>
              <dd className="min-w-0 text-sm font-medium break-words text-fg sm:col-span-2">{value}</dd>
            </div>
          ))}
        </dl>
      </CardBody>
    </Card>
  );
}
