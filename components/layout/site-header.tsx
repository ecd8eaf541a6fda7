import { MobileNav, DesktopNav } from "@/components/layout/header-nav";
import { Logo } from "@/components/layout/logo";
import { navigationFor } from "@/components/layout/navigation";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { ButtonLink } from "@/components/ui/button";
import { getServerApi } from "@/server/api/server";
import type { SessionUser } from "@/server/auth/session-user";

const ROLE_NAMES = { MEMBER: "Member", PERFORMER: "Performer", ADMIN: "Admin" } as const;

function Initials({ name }: { name: string }) {
  const initials = name
    .split(/\s+/)
    .filter((word) => /^[\p{L}\p{N}]/u.test(word))
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join("");
  return (
    <span
      aria-hidden="true"
      className="grid size-8 shrink-0 place-items-center rounded-full bg-linear-to-br from-accent-500 to-violet-600 text-xs font-bold text-white"
    >
      {initials || "?"}
    </span>
  );
}

function UserSummary({ user }: { user: SessionUser }) {
  return (
    <div className="flex min-w-0 items-center gap-2.5">
      <Initials name={user.displayName} />
      <div className="min-w-0 leading-tight">
        <p className="truncate text-sm font-semibold text-white">{user.displayName}</p>
        <p className="truncate text-xs text-night-300">
          @{user.username} · {ROLE_NAMES[user.role]}
        </p>
      </div>
    </div>
  );
}

export async function SiteHeader({ user }: { user: SessionUser | null }) {
  const counts = user?.role === "ADMIN" ? { pendingWithdrawals: await (await getServerApi()).payouts.admin.pendingCount() } : {};
  const items = navigationFor(user?.role ?? null, counts);
  const accountActions = user ? (
    <div className="flex items-center justify-between gap-4">
      <UserSummary user={user} />
      <SignOutButton />
    </div>
  ) : (
    <div className="flex gap-2">
      <ButtonLink href="/sign-in" variant="inverse" className="flex-1">
        Sign in
      </ButtonLink>
      <ButtonLink href="/sign-up" className="flex-1">
        Join free
      </ButtonLink>
    </div>
  );

  return (
    <header className="sticky top-0 z-30 border-b border-white/10 bg-night-950">
      <div className="container-page relative flex h-16 items-center justify-between gap-4">
        <div className="flex items-center gap-6">
          <Logo />
          {user ? null : <DesktopNav items={items} />}
        </div>
        <div className="hidden items-center gap-3 md:flex">
          {user ? (
            <>
              <UserSummary user={user} />
              <SignOutButton />
            </>
          ) : (
            <>
              <ButtonLink href="/sign-in" variant="ghost" size="sm" className="text-night-300 hover:bg-white/5 hover:text-white">
                Sign in
              </ButtonLink>
              <ButtonLink href="/sign-up" size="sm">
                Join free
              </ButtonLink>
            </>
          )}
        </div>
        <MobileNav items={items} footer={accountActions} />
      </div>
      {/* Signed-in areas have many links: they get a row of their own under the logo, which scrolls sideways
          rather than wrapping when the window is narrow. */}
      {user ? (
        <div className="hidden border-t border-white/5 md:block">
          <div className="container-page overflow-x-auto py-1.5">
            <DesktopNav items={items} />
          </div>
        </div>
      ) : null}
    </header>
  );
}
