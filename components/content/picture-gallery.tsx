"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

interface Picture {
  id: string;
  url: string;
}

const pictureName = (title: string, index: number, count: number) => `${title}, picture ${index + 1} of ${count}`;

/**
 * An item's pictures as thumbnails; clicking one opens it large in a modal viewer. The native <dialog> gives the
 * focus trap, Escape and the inert page behind; Previous/Next (and the arrow keys) page through the set, and
 * closing puts focus back on the thumbnail of the picture last shown.
 */
export function PictureGallery({ title, pictures }: { title: string; pictures: readonly Picture[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const thumbnails = useRef<Array<HTMLButtonElement | null>>([]);
  const count = pictures.length;
  const shown = open === null ? null : pictures[open];

  const lastShown = useRef(0);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open !== null) lastShown.current = open;
    if (open !== null && !element.open) element.showModal();
    if (open === null && element.open) element.close();
  }, [open]);

  const close = () => setOpen(null);

  function step(by: -1 | 1) {
    setOpen((current) => (current === null ? current : Math.min(Math.max(current + by, 0), count - 1)));
  }

  return (
    <>
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Pictures">
        {pictures.map((picture, index) => (
          <li key={picture.id}>
            <button
              ref={(element) => {
                thumbnails.current[index] = element;
              }}
              type="button"
              aria-label={`Open picture ${index + 1} of ${count}`}
              aria-haspopup="dialog"
              onClick={() => setOpen(index)}
              className="block w-full cursor-zoom-in overflow-hidden rounded-control border border-line focus-visible:ring-2 focus-visible:ring-accent-500 focus-visible:outline-none"
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- served by the access-checked file route, not cacheable by an image proxy */}
              <img
                src={picture.url}
                alt={pictureName(title, index, count)}
                className="aspect-square w-full object-cover transition-transform hover:scale-[1.02]"
                loading="lazy"
              />
            </button>
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        aria-label={open === null ? undefined : pictureName(title, open, count)}
        // The dialog's own focus return goes to the thumbnail it was opened from; the close event comes after it.
        onClose={() => thumbnails.current[lastShown.current]?.focus()}
        onCancel={(event) => {
          event.preventDefault();
          close();
        }}
        onClick={(event) => {
          if (event.target === event.currentTarget) close();
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowLeft") step(-1);
          if (event.key === "ArrowRight") step(1);
        }}
        className="m-auto h-[calc(100dvh-2rem)] max-h-none w-[calc(100vw-2rem)] max-w-6xl bg-transparent p-0 text-white backdrop:bg-night-950/95 open:flex open:animate-fade-in open:flex-col"
      >
        {shown && open !== null ? (
          <>
            <div className="flex items-center justify-between gap-3 px-1 pb-3">
              <p className="truncate text-sm font-medium text-night-300" aria-hidden="true">
                {open + 1} / {count}
              </p>
              <Button variant="inverse" size="sm" onClick={close}>
                Close
              </Button>
            </div>
            <div
              className="flex min-h-0 flex-1 items-center justify-center"
              onClick={(event) => {
                if (event.target === event.currentTarget) close();
              }}
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- served by the access-checked file route, not cacheable by an image proxy */}
              <img src={shown.url} alt={pictureName(title, open, count)} className="h-full w-full object-contain" />
            </div>
            {count > 1 ? (
              <div className="flex justify-center gap-3 pt-3">
                <Button variant="inverse" size="sm" onClick={() => step(-1)} disabled={open === 0}>
                  Previous picture
                </Button>
                <Button variant="inverse" size="sm" onClick={() => step(1)} disabled={open === count - 1}>
                  Next picture
                </Button>
              </div>
            ) : null}
          </>
        ) : null}
      </dialog>
    </>
  );
}
