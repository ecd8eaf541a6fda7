import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { homePathForRole, safeCallbackPath } from "@/server/auth/areas";
import { getCurrentUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "Create an account" };

type SearchParams = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignUpPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const user = await getCurrentUser();
  if (user) redirect(homePathForRole(user.role));
  const callbackPath = safeCallbackPath(firstValue(params.callbackUrl));

  return (
    <AuthCard
      title="Create your account"
      description="Free to join. Buy credits when you're ready to tip, watch or unlock."
      footer={
        <>
          Already have an account?{" "}
          <Link href="/sign-in" className="font-semibold text-accent-700 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm callbackPath={callbackPath} applyByDefault={firstValue(params.performer) === "1"} />
    </AuthCard>
  );
}
