"use client";

import "./globals.css";

/** Replaces the root layout when it fails itself, so it brings its own <html> and no providers. */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="grid min-h-dvh place-items-center bg-canvas p-6 text-fg">
        <div role="alert" className="max-w-md text-center">
          <h1 className="text-2xl font-bold">Tipmeter is having trouble</h1>
          <p className="mt-3 text-muted">Please try again in a moment.</p>
          <button
            type="button"
            onClick={reset}
            className="mt-6 rounded-control bg-accent-600 px-4 py-2 text-sm font-semibold text-white hover:bg-accent-700"
          >
            Try again
          </button>
        </div>
      </body>
    </html>
  );
}
