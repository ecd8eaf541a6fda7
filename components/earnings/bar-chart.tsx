import { useId } from "react";
import { labelledTicks } from "@/components/earnings/bucket-labels";
import { cn } from "@/components/ui/cn";
import { chartScale } from "@/server/domain/earnings-report";
import { formatCredits } from "@/server/domain/money";

export interface ChartBar {
  key: string;
  /** Under the bar, for the labelled ticks. */
  shortLabel: string;
  /** In the bar's tooltip and the data table. */
  longLabel: string;
  value: bigint;
}

const HEIGHT = 100;
const BAR_WIDTH = 10;
const BAR_GAP = 3;
const MAX_TICK_LABELS = 6;

/**
 * Vertical bars of credits, newest on the right. The SVG holds only shapes (it stretches to the container, which
 * would distort text); the axis labels are HTML beside it. Screen readers get the chart's summary and, behind
 * "Show the numbers", the same data as a table.
 */
export function BarChart({ title, summary, bars }: { title: string; summary: string; bars: ChartBar[] }) {
  const titleId = useId();
  const descriptionId = useId();
  const scale = chartScale(bars.map((bar) => bar.value));
  const span = Number(scale.top - scale.bottom);
  const y = (value: bigint) => (Number(scale.top - value) / span) * HEIGHT;
  const baseline = y(0n);
  const width = bars.length * (BAR_WIDTH + BAR_GAP);
  const ticks = labelledTicks(bars.length, MAX_TICK_LABELS);

  return (
    <figure className="space-y-2">
      <div className="flex gap-2">
        <div aria-hidden="true" className="relative h-44 w-12 shrink-0 text-right text-xs text-muted tabular-nums">
          <span className="absolute right-0 -translate-y-1/2" style={{ top: "0%" }}>
            {formatCredits(scale.top)}
          </span>
          <span className="absolute right-0 -translate-y-1/2" style={{ top: `${baseline}%` }}>
            0
          </span>
          {scale.bottom < 0n ? (
            <span className="absolute right-0 -translate-y-1/2" style={{ top: "100%" }}>
              {formatCredits(scale.bottom)}
            </span>
          ) : null}
        </div>
        <svg
          role="img"
          aria-labelledby={titleId}
          aria-describedby={descriptionId}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          preserveAspectRatio="none"
          className="h-44 w-full min-w-0 overflow-visible"
        >
          <title id={titleId}>{title}</title>
          <desc id={descriptionId}>{summary}</desc>
          <line x1={0} x2={width} y1={0} y2={0} className="stroke-line" strokeWidth={0.5} vectorEffect="non-scaling-stroke" />
          <line x1={0} x2={width} y1={baseline} y2={baseline} className="stroke-line-strong" strokeWidth={1} vectorEffect="non-scaling-stroke" />
          {bars.map((bar, index) => {
            const top = bar.value >= 0n ? y(bar.value) : baseline;
            const height = Math.abs(y(bar.value) - baseline);
            const x = index * (BAR_WIDTH + BAR_GAP) + BAR_GAP / 2;
            return (
              <g key={bar.key}>
                <title>{`${bar.longLabel}: ${formatCredits(bar.value)} credits`}</title>
                {/* The whole column answers hover, so even a zero bar shows its tooltip. */}
                <rect x={x} y={0} width={BAR_WIDTH} height={HEIGHT} className="fill-transparent hover:fill-subtle" />
                <rect
                  x={x}
                  y={top}
                  width={BAR_WIDTH}
                  height={height}
                  rx={1}
                  className={cn(bar.value < 0n ? "fill-red-400" : index === bars.length - 1 ? "fill-accent-600" : "fill-accent-300")}
                />
              </g>
            );
          })}
        </svg>
      </div>
      <div aria-hidden="true" className="ml-14 grid text-xs text-muted" style={{ gridTemplateColumns: `repeat(${bars.length}, minmax(0, 1fr))` }}>
        {bars.map((bar, index) => (
          <span key={bar.key} className="overflow-visible text-center whitespace-nowrap">
            {ticks.has(index) ? bar.shortLabel : ""}
          </span>
        ))}
      </div>
      <figcaption>
        <details className="text-sm">
          <summary className="cursor-pointer text-muted hover:text-fg">Show the numbers</summary>
          <table className="mt-2 w-full text-left text-sm">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-muted">
                <th scope="col" className="py-1 font-medium">
                  Period
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Net credits
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.map((bar) => (
                <tr key={bar.key} className="border-t border-line">
                  <th scope="row" className="py-1 font-normal">
                    {bar.longLabel}
                  </th>
                  <td className="py-1 text-right tabular-nums">{formatCredits(bar.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
