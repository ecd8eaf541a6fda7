import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";

const controlClasses = cn(
  "block w-full rounded-control border border-line-strong bg-surface px-3 text-sm text-fg shadow-sm",
  "placeholder:text-muted/70 transition-colors",
  "hover:border-muted/60 focus:border-focus focus:outline-none focus-visible:outline-2 focus-visible:outline-offset-0",
  "aria-invalid:border-red-500 aria-invalid:focus-visible:outline-red-500",
  "disabled:cursor-not-allowed disabled:bg-subtle disabled:text-muted",
);

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(controlClasses, "h-10", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(controlClasses, "min-h-28 py-2 leading-relaxed", className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(controlClasses, "h-10 pr-8", className)} {...props} />;
}
