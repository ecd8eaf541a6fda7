import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/field";

/** A failed load, said plainly, with a way to try again. */
export function QueryError({ what, onRetry, retrying = false }: { what: string; onRetry: () => void; retrying?: boolean }) {
  return (
    <FormAlert>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <span>We couldn&apos;t load {what}. Check your connection and try again.</span>
        <Button size="sm" variant="secondary" onClick={onRetry} loading={retrying}>
          Try again
        </Button>
      </div>
    </FormAlert>
  );
}
