import { expireOverdueSessions, paySession, PAY_CHOICES, sessionExtras, type PayChoice } from "./checkout";
import { completeOnboarding } from "./connect";
import { CUSTOMER, type Context } from "./context";
import { StripeApiError } from "./errors";
import type { FormObject } from "./form";
import { escapeHtml, page } from "./html";
import { formatAmount } from "./money";
import type { Session } from "./objects";

/** The browser-facing pages that stand in for Stripe's hosted Checkout and Connect onboarding. */

export type PageResponse = { status: number; html: string } | { status: 303; location: string };

const DEFAULT_EMAIL = "customer@example.com";

function notFound(what: string): PageResponse {
  return { status: 404, html: page("Not found", `<p>${escapeHtml(what)}</p>`) };
}

function field(form: FormObject, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" ? value : undefined;
}

function closedSessionPage(session: Session): PageResponse {
  if (session.status === "complete") {
    const link = session.success_url
      ? `<p><a href="${escapeHtml(session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", session.id))}">Return to the merchant</a></p>`
      : "";
    return { status: 200, html: page("Payment complete", `<div class="alert ok" role="status">This checkout session is complete.</div>${link}`) };
  }
  const link = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Return to the merchant</a></p>` : "";
  return { status: 410, html: page("Checkout expired", `<div class="alert error" role="alert">This checkout session has expired.</div>${link}`) };
}

function payPage(ctx: Context, session: Session, declineMessage: string | null): PageResponse {
  const currency = session.currency ?? "usd";
  const extras = sessionExtras(ctx, session);
  const rows = extras
    .lineItems.map(
      (item) =>
        `<tr><td>${escapeHtml(item.description ?? "Item")}</td><td class="num">${item.quantity ?? 1}</td>` +
        `<td class="num">${escapeHtml(formatAmount(item.amount_total, currency))}</td></tr>`,
    )
    .join("");
  const alert = declineMessage
    ? `<div class="alert error" role="alert">${escapeHtml(declineMessage)} Nothing was charged; choose another outcome.</div>`
    : "";
  const customer = typeof session.customer === "string" ? ctx.store.customers.get(session.customer) : undefined;
  const knownEmail = session.customer_email ?? customer?.email ?? null;
  const email = knownEmail ?? DEFAULT_EMAIL;
  const readOnly = knownEmail ? " readonly" : "";
  // Stripe's Checkout tells the buyer when their card is kept for later charges, and when it is only held.
  const terms = [
    extras.paymentIntentData.setupFutureUsage ? "Your card will be saved with the merchant for future payments." : "",
    extras.paymentIntentData.captureMethod === "manual" ? "The amount is held on your card now and charged later." : "",
  ].filter(Boolean);
  const notice = terms.length > 0 ? `<p class="hint" id="card-terms">${escapeHtml(terms.join(" "))}</p>` : "";
  const cancel = session.cancel_url
    ? `<button class="link" type="submit" name="action" value="cancel" formnovalidate>Cancel</button>`
    : "";
  const body = `${alert}
<table>
<caption>Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num" id="total">${escapeHtml(formatAmount(session.amount_total ?? 0, currency))}</td></tr></tfoot>
</table>
<form method="post" action="/pay/${escapeHtml(session.id)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(email)}"${readOnly}>
${notice}<p class="hint" id="outcome-hint">Test card 4242 4242 4242 4242; no real money moves. “Decline” simulates a declined card.
The delayed choices simulate a bank debit that settles a few seconds after you return to the merchant.</p>
<div class="actions" role="group" aria-label="Payment outcome" aria-describedby="outcome-hint">
<button class="primary" type="submit" name="action" value="pay" aria-describedby="total">Pay</button>
<button type="submit" name="action" value="decline">Decline</button>
<button type="submit" name="action" value="delayed">Pay (delayed)</button>
<button type="submit" name="action" value="delayed_fail">Pay (delayed, fails)</button>
${cancel}
</div>
</form>`;
  return { status: 200, html: page("Checkout", body) };
}

function openSession(ctx: Context, id: string): Session | undefined {
  expireOverdueSessions(ctx);
  return ctx.store.sessions.get(id);
}

function showPayPage(ctx: Context, id: string, query: URLSearchParams): PageResponse {
  const session = openSession(ctx, id);
  if (!session) return notFound("No such checkout session.");
  if (session.status !== "open") return closedSessionPage(session);
  const paymentIntent = session.payment_intent ? ctx.store.paymentIntents.get(String(session.payment_intent)) : undefined;
  const declined = query.get("result") === "declined" ? (paymentIntent?.last_payment_error?.message ?? "Your card was declined.") : null;
  return payPage(ctx, session, declined);
}

function submitPayPage(ctx: Context, id: string, form: FormObject): PageResponse {
  const session = openSession(ctx, id);
  if (!session) return notFound("No such checkout session.");
  if (session.status !== "open") return closedSessionPage(session);
  const action = field(form, "action");
  if (action === "cancel" && session.cancel_url) return { status: 303, location: session.cancel_url };
  if (action === undefined || !(action in PAY_CHOICES)) {
    return { status: 400, html: page("Checkout", `<div class="alert error" role="alert">Unknown action.</div>`) };
  }
  try {
    const customerEmail = typeof session.customer === "string" ? ctx.store.customers.get(session.customer)?.email : null;
    const result = paySession(ctx, session, action as PayChoice, field(form, "email") || (session.customer_email ?? customerEmail ?? DEFAULT_EMAIL));
    if (result.outcome === "declined") return { status: 303, location: `/pay/${encodeURIComponent(session.id)}?result=declined` };
    return { status: 303, location: result.redirectTo };
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    return { status: 400, html: page("Checkout", `<div class="alert error" role="alert">${escapeHtml(error.message)}</div>`) };
  }
}

function onboardingLink(ctx: Context, token: string) {
  const link = ctx.store.accountLinks.get(token);
  const account = link ? ctx.store.accounts.get(link.account) : undefined;
  return link && account ? { link, account } : undefined;
}

function showOnboarding(ctx: Context, token: string): PageResponse {
  const found = onboardingLink(ctx, token);
  if (!found) return notFound("This onboarding link is not valid.");
  const { link, account } = found;
  // Stripe sends visitors of an expired link to refresh_url so the platform can issue a fresh one.
  if (link.expiresAt < ctx.clock.now()) return { status: 303, location: link.refreshUrl };
  const who = account.email ? `${account.id} (${account.email})` : account.id;
  const body = `<p>Connected account <strong>${escapeHtml(who)}</strong> is setting up payouts with Stripe Connect.
In test mode no personal or bank details are needed: completing adds a test bank account and enables payouts.</p>
<form method="post" action="/connect/onboarding/${escapeHtml(token)}">
<div class="actions">
<button class="primary" type="submit" name="action" value="complete">Complete onboarding</button>
<button class="link" type="submit" name="action" value="leave">Return without finishing</button>
</div>
</form>`;
  return { status: 200, html: page("Connect onboarding", body) };
}

function submitOnboarding(ctx: Context, token: string, form: FormObject): PageResponse {
  const found = onboardingLink(ctx, token);
  if (!found) return notFound("This onboarding link is not valid.");
  const { link, account } = found;
  if (link.expiresAt < ctx.clock.now()) return { status: 303, location: link.refreshUrl };
  ctx.store.accountLinks.delete(token);
  if (field(form, "action") === "complete" && !account.details_submitted) completeOnboarding(ctx, account, CUSTOMER);
  return { status: 303, location: link.returnUrl };
}

/** The page for a browser request, or null when the path is not a page. */
export function handlePage(ctx: Context, method: string, url: URL, form: FormObject): PageResponse | null {
  const match = /^\/(pay|connect\/onboarding)\/([^/]+)$/.exec(url.pathname);
  if (!match || (method !== "GET" && method !== "POST")) return null;
  const [, kind, rawId = ""] = match;
  const id = decodeURIComponent(rawId);
  if (kind === "pay") return method === "GET" ? showPayPage(ctx, id, url.searchParams) : submitPayPage(ctx, id, form);
  return method === "GET" ? showOnboarding(ctx, id) : submitOnboarding(ctx, id, form);
}
