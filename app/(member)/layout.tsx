import type { ReactNode } from "react";
import { SessionRoleSync } from "@/components/providers/session-role-sync";
import { requireArea } from "@/server/auth/guards";

export default async function MemberLayout({ children }: { children: ReactNode }) {
  const user = await requireArea("member");
  return (
    <>
      <SessionRoleSync role={user.role} />
      {children}
    </>
  );
}
