import Link from "next/link";

export function Logo() {
  return (
    <Link href="/" className="flex items-center gap-2 rounded-md text-white" aria-label="Tipmeter home">
      <span className="grid size-8 place-items-center rounded-lg bg-linear-to-br from-accent-400 to-violet-600 shadow-[0_0_24px_-4px] shadow-accent-500/60">
        <svg viewBox="0 0 24 24" fill="none" className="size-5" aria-hidden="true">
          <path d="M5 15a7 7 0 1 1 14 0" stroke="white" strokeWidth="2.2" strokeLinecap="round" />
          <path d="m12 15 4-5" stroke="white" strokeWidth="2.2" strokeLinecap="round" />
          <circle cx="12" cy="15" r="1.6" fill="white" />
        </svg>
      </span>
      <span className="text-lg font-bold tracking-tight">Tipmeter</span>
    </Link>
  );
}
