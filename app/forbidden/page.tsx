import type { Metadata } from "next";
import { SessionRoleSync } from "@/components/providers/session-role-sync";
import { ButtonLink } from "@/components/ui/button";
import { AREA_LABELS, type Area, continuePathInArea, homePathForRole, roleCanEnter } from "@/server/auth/areas";
import { getCurrentUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "Not allowed", robots: { index: false } };

function isArea(value: unknown): value is Area {
  return value === "member" || value === "performer" || value === "admin";
}

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { area, from } = await searchParams;
  const requestedArea = isArea(area) ? area : null;
  const user = await getCurrentUser();
  // The proxy judged by the role in the JWT. If the database already allows it (just approved as a performer),
  // refresh the token and carry on instead of showing this page.
  const nowAllowed = user && requestedArea && roleCanEnter(user.role, requestedArea);

  return (
    <div className="container-page flex justify-center py-16 sm:py-24">
      {user && nowAllowed ? <SessionRoleSync role={user.role} thenGoTo={continuePathInArea(requestedArea, typeof from === "string" ? from : null)} /> : null}
      <div className="max-w-lg text-center">
        <p className="text-sm font-semibold tracking-wide text-accent-700 uppercase">Error 403</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight">
          {nowAllowed ? "Updating your access…" : "This area isn't open to you"}
        </h1>
        <p className="mt-3 text-muted">
          {nowAllowed
            ? "Your account changed since you signed in. One moment while we catch up."
            : requestedArea
              ? `That page is only for ${AREA_LABELS[requestedArea]}.`
              : "You don't have permission to open that page."}
        </p>
        <div className="mt-8 flex flex-wrap justify-center gap-3">
          {user ? (
            <ButtonLink href={homePathForRole(user.role)}>Go to my dashboard</ButtonLink>
          ) : (
            <ButtonLink href="/sign-in">Sign in</ButtonLink>
          )}
          <ButtonLink href="/" variant="secondary">
            Home
          </ButtonLink>
        </div>
      </div>
    </div>
  );
}
