import { cn } from "@/components/ui/cn";

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-control bg-line/80", className)} />;
}

/** A page-shaped placeholder for loading.tsx files: a heading, then cards. Announces itself once. */
export function PageSkeleton({ cards = 2 }: { cards?: number }) {
  return (
    <div className="container-page py-8 sm:py-10" role="status" aria-live="polite">
      <span className="sr-only">Loading…</span>
      <Skeleton className="h-8 w-56" />
      <Skeleton className="mt-3 h-4 w-80 max-w-full" />
      <div className="mt-8 grid gap-6">
        {Array.from({ length: cards }, (_, index) => (
          <div key={index} className="rounded-card border border-line bg-surface p-6 shadow-card">
            <Skeleton className="h-5 w-40" />
            <Skeleton className="mt-4 h-4 w-full" />
            <Skeleton className="mt-2 h-4 w-5/6" />
            <Skeleton className="mt-2 h-4 w-2/3" />
          </div>
        ))}
      </div>
    </div>
  );
}
