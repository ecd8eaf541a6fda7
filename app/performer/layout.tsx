import type { ReactNode } from "react";
import { requireArea } from "@/server/auth/guards";

export default async function PerformerLayout({ children }: { children: ReactNode }) {
  await requireArea("performer");
  return children;
}
