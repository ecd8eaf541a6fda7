import type { ReactNode } from "react";
import { PerformerCard } from "@/components/performers/performer-card";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";
import { homePathForRole } from "@/server/auth/areas";
import { getCurrentUser } from "@/server/auth/session";

const STEPS: Array<{ title: string; body: string; icon: ReactNode }> = [
  {
    title: "Buy credits once",
    body: "Pick a credit package and pay by card. Credits land in your wallet the moment the payment clears, and stay there until you spend them.",
    icon: <path d="M3 7h18v10H3zM3 11h18M7 15h3" strokeLinecap="round" strokeLinejoin="round" />,
  },
  {
    title: "Tip in live rooms",
    body: "Send a tip with a tap while a performer is live. Every tip moves whole credits from your wallet to theirs, instantly and exactly once.",
    icon: <path d="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10Z" strokeLinejoin="round" />,
  },
  {
    title: "Private and group shows",
    body: "Book time one-to-one or join a group show. Shows are billed per minute by our servers' clock; you only pay for the minutes you stay.",
    icon: <path d="M4 6h11v12H4zM15 10l5-3v10l-5-3" strokeLinejoin="round" />,
  },
  {
    title: "Unlock content",
    body: "Videos, photo sets and members-only pages unlock for credits, or with a membership. Once unlocked, they're yours to revisit.",
    icon: <path d="M7 11V8a5 5 0 0 1 9.6-2M5 11h14v9H5z" strokeLinecap="round" strokeLinejoin="round" />,
  },
];

const PERFORMER_POINTS = [
  "Earn credits from tips, shows, content and memberships, minus a clear commission per kind of sale.",
  "Set your own per-minute prices and watch your earnings update live.",
  "Withdraw your earnings to your bank once they mature; every credit is accounted for in a double-entry ledger.",
];

export default async function HomePage() {
  const [api, user] = await Promise.all([getServerApi(), getCurrentUser()]);
  const performers = await api.performers.list({ limit: 12 });

  return (
    <>
      <section className="relative overflow-hidden bg-night-950 text-white">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 bg-[radial-gradient(60rem_30rem_at_85%_-10%,rgb(242_51_139/0.35),transparent),radial-gradient(40rem_24rem_at_0%_110%,rgb(124_77_255/0.3),transparent)]"
        />
        <div className="container-page relative py-16 sm:py-24">
          <p className="inline-flex items-center gap-2 rounded-full bg-white/10 px-3 py-1 text-sm font-medium text-night-300 ring-1 ring-white/15 ring-inset">
            <span className="size-2 rounded-full bg-accent-400" aria-hidden="true" />
            One wallet for every show
          </p>
          <h1 className="mt-6 max-w-3xl text-4xl font-extrabold tracking-tight text-balance sm:text-6xl">
            Credits that move at the speed of a{" "}
            <span className="bg-linear-to-r from-accent-300 to-violet-300 bg-clip-text text-transparent">live show</span>.
          </h1>
          <p className="mt-5 max-w-2xl text-lg text-night-300">
            Tipmeter is a prepaid credit wallet for live video and creator sites. Buy credits once, then tip, join shows
            and unlock content without reaching for your card every time.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            {user ? (
              <ButtonLink href={homePathForRole(user.role)} size="lg">
                Go to your {user.role === "MEMBER" ? "wallet" : "dashboard"}
              </ButtonLink>
            ) : (
              <>
                <ButtonLink href="/sign-up" size="lg">
                  Create a free account
                </ButtonLink>
                <ButtonLink href="/#how-it-works" size="lg" variant="inverse">
                  How it works
                </ButtonLink>
              </>
            )}
          </div>
        </div>
      </section>

      <section id="how-it-works" aria-labelledby="how-heading" className="container-page scroll-mt-20 py-16 sm:py-20">
        <div className="max-w-2xl">
          <h2 id="how-heading" className="text-3xl font-bold tracking-tight">
            How credits work
          </h2>
          <p className="mt-3 text-muted">
            Credits are the site&apos;s currency: whole units you buy with money and spend on performers. Your balance is
            always exact, and every credit that moves is recorded.
          </p>
        </div>
        <ul className="mt-10 grid gap-5 sm:grid-cols-2 lg:grid-cols-4">
          {STEPS.map((step) => (
            <li key={step.title} className="rounded-card border border-line bg-surface p-6 shadow-card">
              <span className="grid size-11 place-items-center rounded-xl bg-accent-50 text-accent-600" aria-hidden="true">
                <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="size-6">
                  {step.icon}
                </svg>
              </span>
              <h3 className="mt-4 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm leading-relaxed text-muted">{step.body}</p>
            </li>
          ))}
        </ul>
      </section>

      <section id="performers" aria-labelledby="performers-heading" className="scroll-mt-20 border-y border-line bg-surface">
        <div className="container-page py-16 sm:py-20">
          <div className="flex flex-wrap items-end justify-between gap-4">
            <div>
              <h2 id="performers-heading" className="text-3xl font-bold tracking-tight">
                Performers
              </h2>
              <p className="mt-3 text-muted">Approved creators you can tip, watch and support.</p>
            </div>
          </div>
          {performers.length > 0 ? (
            <ul className="mt-10 grid gap-5 sm:grid-cols-2 lg:grid-cols-3">
              {performers.map((performer) => (
                <PerformerCard key={performer.username} performer={performer} />
              ))}
            </ul>
          ) : (
            <EmptyState
              className="mt-10"
              title="No performers yet"
              description="The first approved performers will appear here. Are you a creator? Apply below."
            />
          )}
        </div>
      </section>

      <section id="for-performers" aria-labelledby="for-performers-heading" className="container-page scroll-mt-20 py-16 sm:py-20">
        <div className="grid items-center gap-10 rounded-card bg-night-900 p-8 text-white sm:p-12 lg:grid-cols-2">
          <div>
            <p className="text-sm font-semibold tracking-wide text-accent-300 uppercase">For performers</p>
            <h2 id="for-performers-heading" className="mt-2 text-3xl font-bold tracking-tight">
              Earn from every minute and every tip
            </h2>
            <p className="mt-4 text-night-300">
              Apply with a stage name and a short bio. Once an admin approves you, your profile goes public and you can
              start earning.
            </p>
            <div className="mt-6">
              <ButtonLink href={user ? "/account#performer-application" : "/sign-up?performer=1"} size="lg">
                Apply as a performer
              </ButtonLink>
            </div>
          </div>
          <ul className="space-y-4">
            {PERFORMER_POINTS.map((point) => (
              <li key={point} className="flex gap-3">
                <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" className="mt-0.5 size-5 shrink-0 text-accent-300" aria-hidden="true">
                  <path d="m5 10.5 3.2 3.2L15 7" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                <span className="text-night-300">{point}</span>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </>
  );
}
