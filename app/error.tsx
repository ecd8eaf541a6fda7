"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";

/** Unexpected failures while rendering a page. The message is generic; the digest ties it to the server log. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div className="container-page flex justify-center py-16 sm:py-24">
      <div role="alert" className="max-w-lg text-center">
        <p className="text-sm font-semibold tracking-wide text-accent-700 uppercase">Something went wrong</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight">We couldn&apos;t load this page</h1>
        <p className="mt-3 text-muted">
          This one is on us. Try again; if it keeps happening, come back in a few minutes.
          {error.digest ? <span className="mt-2 block text-xs">Reference: {error.digest}</span> : null}
        </p>
        <div className="mt-8 flex justify-center gap-3">
          <Button onClick={reset}>Try again</Button>
          <ButtonLink href="/" variant="secondary">
            Home
          </ButtonLink>
        </div>
      </div>
    </div>
  );
}
