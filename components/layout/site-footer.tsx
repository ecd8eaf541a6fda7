import Link from "next/link";

export function SiteFooter({ signedIn }: { signedIn: boolean }) {
  return (
    <footer className="mt-auto border-t border-white/10 bg-night-950 text-night-300">
      <div className="container-page flex flex-col gap-4 py-8 text-sm sm:flex-row sm:items-center sm:justify-between">
        <p>
          <span className="font-semibold text-white">Tipmeter</span> · credits for live shows, tips and creator content.
        </p>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-x-5 gap-y-2">
            <li>
              <Link href="/#how-it-works" className="hover:text-white">
                How it works
              </Link>
            </li>
            <li>
              <Link href="/#for-performers" className="hover:text-white">
                Become a performer
              </Link>
            </li>
            {signedIn ? null : (
              <li>
                <Link href="/sign-in" className="hover:text-white">
                  Sign in
                </Link>
              </li>
            )}
          </ul>
        </nav>
      </div>
    </footer>
  );
}
