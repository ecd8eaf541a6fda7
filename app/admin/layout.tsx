import type { ReactNode } from "react";
import { requireArea } from "@/server/auth/guards";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireArea("admin");
  return children;
}
