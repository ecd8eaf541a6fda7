"use client";

import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/components/providers/trpc";
import { ToastProvider } from "@/components/ui/toast";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <TRPCReactProvider>
      <ToastProvider>{children}</ToastProvider>
    </TRPCReactProvider>
  );
}
