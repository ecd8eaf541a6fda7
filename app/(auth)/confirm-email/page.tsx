import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResendConfirmationForm } from "@/components/auth/resend-confirmation-form";
import { type ConfirmationOutcome, confirmEmail } from "@/server/services/accounts";

export const metadata: Metadata = { title: "Confirm your email" };

type SearchParams = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const REFUSALS: Record<Exclude<ConfirmationOutcome, "confirmed">, { title: string; description: string }> = {
  expired: { title: "This link has expired", description: "Confirmation links work for 24 hours. Ask for a new one below." },
  used: {
    title: "This link was already used",
    description: "Each link works once. If your address is confirmed, sign in; if not, ask for a new link below.",
  },
  unknown: {
    title: "This link doesn't work",
    description: "It may have been copied only in part. Open it from the email again, or ask for a new link below.",
  },
};

const signInLink = (
  <Link href="/sign-in" className="font-semibold text-accent-700 hover:underline">
    Sign in
  </Link>
);

/** Where the emailed link leads: it confirms at once and says so; without a link, or with a bad one, it offers a new one. */
export default async function ConfirmEmailPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const token = firstValue((await searchParams).token);
  const outcome = token ? await confirmEmail(token) : null;

  if (outcome === "confirmed") {
    return (
      <AuthCard title="Your email is confirmed" description="Your account is ready." footer={null}>
        <div role="status" className="space-y-4">
          <p className="text-sm text-muted">Sign in with the email and password you chose to open your wallet.</p>
          <Link href="/sign-in" className="inline-block font-semibold text-accent-700 hover:underline">
            Sign in now
          </Link>
        </div>
      </AuthCard>
    );
  }

  const refusal = outcome ? REFUSALS[outcome] : null;
  return (
    <AuthCard
      title={refusal?.title ?? "Send the confirmation link again"}
      description={refusal?.description ?? "Enter the email you signed up with and we'll send a new link if it is waiting for confirmation."}
      footer={<>Already confirmed? {signInLink}</>}
    >
      <ResendConfirmationForm />
    </AuthCard>
  );
}
