"use client";

import { SessionProvider, useSession } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { Role } from "@/server/generated/prisma/enums";

/**
 * The proxy reads the role from the JWT, which was written at sign-in. When the database says otherwise (an
 * admin approved this member as a performer), the token needs refreshing: fetching the session does that (the
 * jwt callback reloads the role), and so does update() when the fetched session is older than the change.
 * With `thenGoTo`, continue there once the token carries the role, by a full page load: the client router may
 * hold a prefetch of that page made with the old token (a redirect back here), which a soft navigation would reuse.
 */
export function SessionRoleSync(props: { role: Role; thenGoTo?: string }) {
  // The session context lives here and nowhere above the page: SessionProvider changes its value when its
  // first fetch returns, and a context change above a Suspense boundary that is still streaming makes React
  // client-render the boundary instead of hydrating it, throwing away the server HTML (and, until the
  // streamed copy is discarded, leaving a second, hidden copy of the page in the document).
  return (
    <SessionProvider>
      <SyncRole {...props} />
    </SessionProvider>
  );
}

function SyncRole({ role, thenGoTo }: { role: Role; thenGoTo?: string }) {
  const { data: session, status, update } = useSession();
  const router = useRouter();
  const done = useRef(false);

  useEffect(() => {
    if (status !== "authenticated" || done.current) return;
    if (session.user.role === role) {
      if (thenGoTo) {
        done.current = true;
        window.location.replace(thenGoTo);
      }
      return;
    }
    done.current = true;
    void update().then(() => {
      if (thenGoTo) window.location.replace(thenGoTo);
      else router.refresh();
    });
  }, [status, session, role, update, router, thenGoTo]);

  return null;
}
