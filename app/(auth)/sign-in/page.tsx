import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { homePathForRole, safeCallbackPath } from "@/server/auth/areas";
import { getCurrentUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(firstValue(params.callbackUrl));
  const user = await getCurrentUser();
  if (user) redirect(callbackPath ?? homePathForRole(user.role));

  const notice =
    firstValue(params.reason) === "session-ended"
      ? "Your session has ended. Please sign in again."
      : callbackPath
        ? "Sign in to continue to that page."
        : null;
  const signUpHref = callbackPath ? `/sign-up?${new URLSearchParams({ callbackUrl: callbackPath }).toString()}` : "/sign-up";

  return (
    <AuthCard
      title="Welcome back"
      description="Sign in to your wallet, shows and dashboard."
      footer={
        <>
          New to Tipmeter?{" "}
          <Link href={signUpHref} className="font-semibold text-accent-700 hover:underline">
            Create an account
          </Link>
          <br />
          Signed up but no confirmation email?{" "}
          <Link href="/confirm-email" className="font-semibold text-accent-700 hover:underline">
            Send the link again
          </Link>
        </>
      }
    >
      <SignInForm callbackPath={callbackPath} notice={notice} />
    </AuthCard>
  );
}
