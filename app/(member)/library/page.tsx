import type { Metadata } from "next";
import { ContentCard } from "@/components/content/content-card";
import { PageHeader } from "@/components/layout/page-header";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getServerApi } from "@/server/api/server";
import { requireArea } from "@/server/auth/guards";

export const metadata: Metadata = { title: "Library" };

/** Everything the member can open: what they unlocked, and what their memberships include right now. */
export default async function LibraryPage() {
  await requireArea("member");
  const entries = await (await getServerApi()).content.library();
  const unlocked = entries.filter((entry) => entry.via === "unlock");
  const included = entries.filter((entry) => entry.via === "membership");

  return (
    <div className="container-page py-8 sm:py-10">
      <PageHeader title="Library" description="Videos, pictures, posts and rooms you unlocked or get with a membership." />
      {entries.length === 0 ? (
        <EmptyState
          className="mt-8"
          title="Nothing here yet"
          description="Content you unlock from performers' pages shows up here, and stays."
          action={<ButtonLink href="/discover">Discover performers</ButtonLink>}
        />
      ) : (
        <>
          {unlocked.length > 0 ? (
            <section aria-labelledby="unlocked-heading" className="mt-8">
              <h2 id="unlocked-heading" className="text-lg font-semibold">
                Unlocked
              </h2>
              <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {unlocked.map((entry) => (
                  <ContentCard key={entry.id} item={entry} showPerformer />
                ))}
              </ul>
            </section>
          ) : null}
          {included.length > 0 ? (
            <section aria-labelledby="membership-heading" className="mt-10">
              <h2 id="membership-heading" className="text-lg font-semibold">
                With your memberships
              </h2>
              <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {included.map((entry) => (
                  <ContentCard key={entry.id} item={entry} showPerformer />
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}
