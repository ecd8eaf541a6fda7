import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";

/**
 * Scrolls sideways on narrow screens instead of squeezing columns. `relative` makes the scroller the containing
 * block of visually hidden (absolutely positioned) labels inside cells, which would otherwise widen the page.
 */
export function Table({ className, children, ...props }: ComponentProps<"table">) {
  return (
    <div className="relative -mx-px overflow-x-auto">
      <table className={cn("w-full min-w-[40rem] border-collapse text-left text-sm", className)} {...props}>
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cn("bg-subtle/70 text-xs tracking-wide text-muted uppercase", className)} {...props} />;
}

export function TableRow({ className, ...props }: ComponentProps<"tr">) {
  return <tr className={cn("border-b border-line last:border-b-0", className)} {...props} />;
}

export function TableHeaderCell({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("px-4 py-3 font-semibold whitespace-nowrap", className)} {...props} />;
}

export function TableCell({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("px-4 py-3 align-middle", className)} {...props} />;
}
