import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="container-page flex justify-center py-16 sm:py-24">
      <div className="max-w-lg text-center">
        <p className="text-sm font-semibold tracking-wide text-accent-700 uppercase">Error 404</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight">We couldn&apos;t find that page</h1>
        <p className="mt-3 text-muted">The link may be old, or the page may have moved.</p>
        <div className="mt-8 flex justify-center gap-3">
          <ButtonLink href="/">Back to home</ButtonLink>
          <ButtonLink href="/#performers" variant="secondary">
            Browse performers
          </ButtonLink>
        </div>
      </div>
    </div>
  );
}
