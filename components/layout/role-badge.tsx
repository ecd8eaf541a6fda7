import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ApplicationStatus, Role, UserStatus } from "@/server/generated/prisma/enums";

const ROLE_LABELS: Record<Role, { label: string; tone: BadgeTone }> = {
  MEMBER: { label: "Member", tone: "neutral" },
  PERFORMER: { label: "Performer", tone: "accent" },
  ADMIN: { label: "Admin", tone: "violet" },
};

export function RoleBadge({ role }: { role: Role }) {
  const { label, tone } = ROLE_LABELS[role];
  return <Badge tone={tone}>{label}</Badge>;
}

export function StatusBadge({ status }: { status: UserStatus }) {
  return status === "ACTIVE" ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Suspended</Badge>;
}

const APPLICATION_LABELS: Record<ApplicationStatus, { label: string; tone: BadgeTone }> = {
  PENDING: { label: "Pending review", tone: "warning" },
  APPROVED: { label: "Approved", tone: "success" },
  REJECTED: { label: "Rejected", tone: "danger" },
};

export function ApplicationBadge({ status }: { status: ApplicationStatus }) {
  const { label, tone } = APPLICATION_LABELS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
