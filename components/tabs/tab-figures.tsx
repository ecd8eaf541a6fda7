import { chargeableMinutesText } from "@/components/tabs/tab-text";
import { cn } from "@/components/ui/cn";
import { formatCredits, formatMinor } from "@/server/domain/money";
import type { TabView } from "@/server/services/tabs";

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-card bg-subtle p-3">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" aria-label={label}>
        {value}
      </dd>
      {hint ? <dd className="text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

const credits = (amount: bigint) => `${formatCredits(amount)} credits`;

/**
 * A tab's numbers, the same on every page: limit, spent (accrued), held for a show, left (the tab wallet's
 * balance: pass the live balance when the page has it), paid so far, chargeable minutes, and the split threshold.
 */
export function TabFigures({ tab, left, compact = false, className }: { tab: TabView; left?: bigint; compact?: boolean; className?: string }) {
  const money = (amount: bigint) => formatMinor(amount * tab.creditPriceMinor, tab.currency);
  const leftNow = left ?? tab.left;
  return (
    <dl className={cn("grid gap-3", compact ? "grid-cols-2" : "grid-cols-2 sm:grid-cols-4", className)}>
      <Figure label="Limit" value={formatMinor(tab.limitMinor, tab.currency)} hint={credits(tab.limitCredits)} />
      <Figure label="Spent" value={credits(tab.accrued)} hint={money(tab.accrued)} />
      <Figure label="Held for a show" value={credits(tab.held)} />
      <Figure label="Left" value={credits(leftNow)} hint={money(leftNow)} />
      <Figure label="Paid so far" value={formatMinor(tab.paidMinor, tab.currency)} hint={`${tab.charges.filter((charge) => charge.status === "SUCCEEDED").length} of ${tab.charges.length} charges`} />
      <Figure label="Chargeable minutes" value={chargeableMinutesText(tab.chargeableSeconds)} />
      {tab.due > 0n ? <Figure label="Owed" value={money(tab.due)} hint={credits(tab.due)} /> : null}
      {tab.splitThreshold !== null ? <Figure label="Charged every" value={credits(tab.splitThreshold)} hint={money(tab.splitThreshold)} /> : null}
    </dl>
  );
}
