"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { type NavItem, activeHref } from "@/components/layout/navigation";
import { cn } from "@/components/ui/cn";

/** The label, with a count badge when something waits there; the count is read out as part of the link. */
function NavLabel({ item }: { item: NavItem }) {
  if (!item.count) return item.label;
  return (
    <>
      {item.label}{" "}
      <span className="ml-1 inline-grid min-w-5 place-items-center rounded-full bg-accent-500 px-1.5 text-xs leading-5 font-semibold text-white">
        {item.count}
        <span className="sr-only"> waiting</span>
      </span>
    </>
  );
}

export function DesktopNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const current = activeHref(items, pathname);
  return (
    <nav aria-label="Main" className="hidden md:block">
      <ul className="flex items-center gap-0.5">
        {items.map((item) => (
          <li key={item.href} className="shrink-0">
            <Link
              href={item.href}
              aria-current={item.href === current ? "page" : undefined}
              className={cn(
                "block rounded-md px-2.5 py-2 text-sm font-medium whitespace-nowrap transition-colors",
                item.href === current ? "bg-white/10 text-white" : "text-night-300 hover:bg-white/5 hover:text-white",
              )}
            >
              <NavLabel item={item} />
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * The small-screen menu: a disclosure button that opens a panel under the header. Closes on navigation, on
 * Escape (returning focus to the button) and on a click outside.
 */
export function MobileNav({ items, footer }: { items: NavItem[]; footer: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const current = activeHref(items, pathname);
  const panelId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const [shownPath, setShownPath] = useState(pathname);

  // A navigation (including back/forward) closes the menu: adjust state during render, not in an effect.
  if (shownPath !== pathname) {
    setShownPath(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    }
    function onPointerDown(event: PointerEvent) {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, [open]);

  return (
    <div ref={containerRef} className="md:hidden">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="grid size-10 place-items-center rounded-md text-white hover:bg-white/10"
      >
        <span className="sr-only">{open ? "Close menu" : "Open menu"}</span>
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" className="size-6" aria-hidden="true">
          {open ? <path d="m6 6 12 12M18 6 6 18" strokeLinecap="round" /> : <path d="M4 7h16M4 12h16M4 17h16" strokeLinecap="round" />}
        </svg>
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="absolute inset-x-0 top-full z-40 border-t border-white/10 bg-night-900 px-4 pt-2 pb-4 shadow-pop"
      >
        <nav aria-label="Main">
          <ul className="space-y-1">
            {items.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  onClick={() => setOpen(false)}
                  aria-current={item.href === current ? "page" : undefined}
                  className={cn(
                    "block rounded-md px-3 py-2.5 text-base font-medium",
                    item.href === current ? "bg-white/10 text-white" : "text-night-300 hover:bg-white/5 hover:text-white",
                  )}
                >
                  <NavLabel item={item} />
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="mt-3 border-t border-white/10 pt-3">{footer}</div>
      </div>
    </div>
  );
}
