/**
 * `npm run measure:pages`: how long a running Tipmeter takes to answer, as a user's browser would ask.
 *
 * Start the app first (`npm run build && DEMO_MODE=1 npm start`), then run this against it (PAGE_TIMES_URL,
 * default http://127.0.0.1:3000). It signs in as each demo role and, for every page that role uses, times the
 * first request after start-up and then the median and worst of RUNS more: the full HTML document, streamed
 * parts included, which is the server's share of a page load. Then it times each money action through the same
 * tRPC client the pages use, with the session cookie, end to end over HTTP. Actions post real, small amounts
 * on the demo data (1-credit tips and transfers, a store order, a 200-credit withdrawal it cancels again); an
 * admin adjustment tops the member up first when they would run short.
 *
 * It prints one table, a row as each is measured, and exits 1 if any page's median is over PAGE_BUDGET_MS or
 * any action's over ACTION_BUDGET_MS: the targets, not timed assertions in the test suite.
 */
import "@/server/outside-next";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";

const BASE_URL = (process.env.PAGE_TIMES_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const RUNS = 7;
const PAGE_BUDGET_MS = 300;
const ACTION_BUDGET_MS = 1000;
const DEMO_PASSWORD = "tipmeter-demo";

type Role = "visitor" | "member" | "performer" | "admin";
const ACCOUNTS: Record<Exclude<Role, "visitor">, string> = {
  member: "member1@tipmeter.test",
  performer: "performer1@tipmeter.test",
  admin: "admin@tipmeter.test",
};

interface Row {
  role: Role;
  what: string;
  firstMs: number;
  medianMs: number;
  worstMs: number;
  budgetMs: number;
}

/** Cookies of one signed-in browser, as `fetch` in Node keeps none. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (!pair || at < 1) continue;
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

async function signIn(email: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrfResponse = await fetch(`${BASE_URL}/api/auth/csrf`);
  jar.take(csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(`${BASE_URL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password: DEMO_PASSWORD, callbackUrl: `${BASE_URL}/` }),
  });
  jar.take(response);
  if (!jar.header().includes("session-token")) throw new Error(`signing in as ${email} failed (HTTP ${response.status})`);
  return jar;
}

function apiFor(jar: CookieJar | null) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${BASE_URL}/api/trpc`, transformer: superjson, headers: () => (jar ? { cookie: jar.header() } : {}) })],
  });
}

async function timePage(jar: CookieJar | null, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${BASE_URL}${path}`, { redirect: "manual", headers: jar ? { cookie: jar.header() } : {} });
  await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${path} answered HTTP ${response.status}`);
  return elapsed;
}

/** The timed actions spend the member's credits; an admin adjustment, as support would make, covers them. */
async function topUp(adminApi: ReturnType<typeof apiFor>, email: string, needed: bigint): Promise<void> {
  const { users } = await adminApi.ledger.users.query({ search: email });
  const user = users.find((candidate) => candidate.email === email);
  if (!user) throw new Error(`no user ${email}`);
  if (user.available >= needed) return;
  await adminApi.ledger.adjust.mutate({
    userId: user.id,
    wallet: "credits",
    amount: (needed - user.available).toString(),
    reason: "measure:pages: credits for the timed actions",
    idempotencyKey: randomUUID(),
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Times `run` once as the first call, then RUNS more. */
async function measure(role: Role, what: string, budgetMs: number, run: () => Promise<unknown>): Promise<Row> {
  const timed = async () => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const firstMs = await timed();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push(await timed());
  const row = { role, what, firstMs, medianMs: median(times), worstMs: Math.max(...times), budgetMs };
  printRow(row);
  return row;
}

const pad = (value: string, width: number) => value.padEnd(width);
const ms = (value: number) => `${Math.round(value)}`.padStart(7);
const overBudget = (row: Row) => row.medianMs > row.budgetMs;

function printRow(row: Row): void {
  console.log(`${pad(row.role, 10)}${pad(row.what, 48)}${ms(row.firstMs)}${ms(row.medianMs)}${ms(row.worstMs)}${overBudget(row) ? `  over ${row.budgetMs} ms` : ""}`);
}

async function main(): Promise<void> {
  const visitorApi = apiFor(null);
  const [catalogue, lunaContent, packages] = await Promise.all([
    visitorApi.store.catalogue.query(),
    visitorApi.content.byPerformer.query({ username: "luna" }),
    visitorApi.wallet.packages.query(),
  ]);
  const storeItem = catalogue.filter((item) => !item.soldOut).sort((a, b) => Number(a.price - b.price))[0];
  const contentItem = lunaContent[0];
  const creditPackage = packages[0];
  if (!storeItem || !contentItem || !creditPackage) throw new Error("the demo data has no store item, content item or credit package");

  const jars = {
    member: await signIn(ACCOUNTS.member),
    performer: await signIn(ACCOUNTS.performer),
    admin: await signIn(ACCOUNTS.admin),
  };
  const memberApi = apiFor(jars.member);
  const performerApi = apiFor(jars.performer);
  const someOrder = (await memberApi.store.myOrders.query())[0];
  const performerItem = (await performerApi.content.mine.query())[0];

  const pages: Record<Role, string[]> = {
    visitor: ["/", "/discover", "/p/luna", "/room/luna", "/store", `/store/${storeItem.id}`, "/premium", `/content/${contentItem.id}`, "/sign-in", "/sign-up"],
    member: [
      "/wallet",
      "/wallet/buy",
      "/wallet/transfer",
      "/library",
      "/memberships",
      "/orders",
      ...(someOrder ? [`/orders/${someOrder.id}`] : []),
      "/shows",
      "/account",
      "/discover",
      "/p/luna",
      "/room/luna",
      "/store",
      `/store/${storeItem.id}`,
      `/content/${contentItem.id}`,
    ],
    performer: [
      "/performer",
      "/performer/shows",
      "/performer/content",
      "/performer/content/new",
      ...(performerItem ? [`/performer/content/${performerItem.id}`] : []),
      "/performer/store",
      "/performer/orders",
      "/performer/earnings",
      "/performer/withdrawals",
      "/performer/memberships",
      "/performer/payout-profile",
      "/room/luna",
    ],
    admin: [
      "/admin",
      "/admin/users",
      "/admin/applications",
      "/admin/audit",
      "/admin/books",
      "/admin/commissions",
      "/admin/ledger",
      "/admin/memberships",
      "/admin/orders",
      "/admin/packages",
      "/admin/payouts/settings",
      "/admin/settings",
      "/admin/store",
      "/admin/withdrawals",
    ],
  };

  console.log(`${pad("role", 10)}${pad("page or action", 48)}${"first".padStart(7)}${"median".padStart(7)}${"worst".padStart(7)}  (ms, ${RUNS} runs after the first)`);
  const rows: Row[] = [];
  for (const role of Object.keys(pages) as Role[]) {
    const jar = role === "visitor" ? null : jars[role];
    for (const path of pages[role]) rows.push(await measure(role, path, PAGE_BUDGET_MS, () => timePage(jar, path)));
  }

  const key = () => randomUUID();
  await topUp(apiFor(jars.admin), ACCOUNTS.member, (storeItem.price + 2n) * BigInt(RUNS + 1));
  rows.push(
    await measure("member", "tip 1 credit", ACTION_BUDGET_MS, () =>
      memberApi.tips.send.mutate({ performerUsername: "luna", amount: 1n, idempotencyKey: key() }),
    ),
    await measure("member", "transfer 1 credit", ACTION_BUDGET_MS, () =>
      memberApi.transfers.send.mutate({ recipient: "member2", amount: 1n, idempotencyKey: key() }),
    ),
    await measure("member", "store order from the wallet, then its page", ACTION_BUDGET_MS, async () => {
      const placed = await memberApi.store.buy.mutate({
        itemId: storeItem.id,
        quantity: 1,
        idempotencyKey: key(),
        ...(storeItem.kind === "PHYSICAL"
          ? { shippingAddress: { name: "Mia Member", line1: "1 Demo Street", city: "Berlin", postalCode: "10115", country: "DE" } }
          : {}),
      });
      await timePage(jars.member, `/orders/${placed.orderId}`);
    }),
    await measure("member", "start a card checkout for credits", ACTION_BUDGET_MS, () =>
      memberApi.wallet.startCheckout.mutate({ packageId: creditPackage.id, idempotencyKey: key() }),
    ),
    await measure("performer", "request a withdrawal, then cancel it", ACTION_BUDGET_MS, async () => {
      const { withdrawal } = await performerApi.payouts.withdrawals.request.mutate({ credits: 200n, idempotencyKey: key() });
      await performerApi.payouts.withdrawals.cancel.mutate({ id: withdrawal.id });
    }),
  );

  const over = rows.filter(overBudget);
  if (over.length > 0) {
    console.log(`\n${over.length} over budget (pages ${PAGE_BUDGET_MS} ms, actions ${ACTION_BUDGET_MS} ms)`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
