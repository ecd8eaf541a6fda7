"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { expectSessionToEnd } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

export function SignOutButton({ className, variant = "inverse" }: { className?: string; variant?: "inverse" | "secondary" }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={variant}
      size="sm"
      className={className}
      loading={pending}
      onClick={() => {
        setPending(true);
        expectSessionToEnd();
        void signOut({ callbackUrl: "/" });
      }}
    >
      Sign out
    </Button>
  );
}
