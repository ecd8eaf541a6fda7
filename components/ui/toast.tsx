"use client";

import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";

export type ToastTone = "success" | "error" | "info";

export interface ToastInput {
  title: string;
  description?: string;
  tone?: ToastTone;
}

interface ToastItem extends Required<Omit<ToastInput, "description">> {
  id: number;
  description?: string;
}

type ShowToast = (toast: ToastInput) => void;

const ToastContext = createContext<ShowToast | null>(null);

/** Errors stay longer: they usually ask the reader to do something. */
const DURATION_MS: Record<ToastTone, number> = { success: 5000, info: 5000, error: 9000 };
const MAX_VISIBLE = 4;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback<ShowToast>(({ title, description, tone = "info" }) => {
    const id = nextId.current++;
    setToasts((current) => [...current, { id, title, description, tone }].slice(-MAX_VISIBLE));
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      {/* The live region exists before any toast does; screen readers only announce changes inside it. */}
      <section
        aria-label="Notifications"
        aria-live="polite"
        aria-relevant="additions"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end sm:p-6"
      >
        {toasts.map((toast) => (
          <Toast key={toast.id} toast={toast} onDismiss={dismiss} />
        ))}
      </section>
    </ToastContext.Provider>
  );
}

const TONE_STYLES: Record<ToastTone, { bar: string; icon: ReactNode }> = {
  success: {
    bar: "bg-emerald-500",
    icon: <path d="m5 10.5 3.2 3.2L15 7" strokeLinecap="round" strokeLinejoin="round" />,
  },
  error: {
    bar: "bg-red-500",
    icon: <path d="M10 6v5m0 3h.01" strokeLinecap="round" />,
  },
  info: {
    bar: "bg-accent-500",
    icon: <path d="M10 9v5m0-8h.01" strokeLinecap="round" />,
  },
};

function Toast({ toast, onDismiss }: { toast: ToastItem; onDismiss: (id: number) => void }) {
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    if (paused) return;
    const timer = window.setTimeout(() => onDismiss(toast.id), DURATION_MS[toast.tone]);
    return () => window.clearTimeout(timer);
  }, [paused, toast.id, toast.tone, onDismiss]);

  const style = TONE_STYLES[toast.tone];
  return (
    <div
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
      className="pointer-events-auto relative flex w-full max-w-sm animate-toast-in items-start gap-3 overflow-hidden rounded-card border border-night-700 bg-night-900 py-3 pr-3 pl-4 text-white shadow-pop"
    >
      <span className={cn("absolute inset-y-0 left-0 w-1", style.bar)} aria-hidden="true" />
      <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" className="mt-0.5 size-5 shrink-0 text-night-300" aria-hidden="true">
        {style.icon}
      </svg>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold">{toast.title}</p>
        {toast.description ? <p className="mt-0.5 text-sm text-night-300">{toast.description}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        className="grid size-7 shrink-0 place-items-center rounded-md text-night-300 hover:bg-white/10 hover:text-white"
        aria-label="Dismiss notification"
      >
        <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" className="size-4" aria-hidden="true">
          <path d="m6 6 8 8M14 6l-8 8" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}

export function useToast() {
  const show = useContext(ToastContext);
  if (!show) throw new Error("useToast must be used inside <ToastProvider>");
  return useMemo(
    () => ({
      show,
      success: (title: string, description?: string) => show({ title, description, tone: "success" }),
      error: (title: string, description?: string) => show({ title, description, tone: "error" }),
      info: (title: string, description?: string) => show({ title, description, tone: "info" }),
    }),
    [show],
  );
}
