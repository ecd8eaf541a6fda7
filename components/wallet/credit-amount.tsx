import { cn } from "@/components/ui/cn";
import { formatSignedCredits } from "@/server/domain/money";

/** A ledger line's signed amount: green with "+" when credits came in, red with "-" when they went out. */
export function SignedCredits({
  amount,
  className,
  format = formatSignedCredits,
}: {
  amount: bigint;
  className?: string;
  /** For a wallet in another currency: "+$1.50". */
  format?: (amount: bigint) => string;
}) {
  return (
    <span className={cn("font-semibold whitespace-nowrap tabular-nums", amount > 0n ? "text-emerald-700" : "text-red-700", className)}>
      {format(amount)}
    </span>
  );
}
