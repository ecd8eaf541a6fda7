import "server-only";
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/server/auth/session-user";

/**
 * Who may call each tRPC procedure, read by server/api/authorization-matrix.int.test.ts, which fails when a
 * procedure of appRouter has no entry here or an entry names a procedure that is gone.
 *
 * `allow` lists the callers that get past authorization with the entry's input; every other caller must be
 * refused. An entry with `owner` names, in its input, an object belonging to the fixture user of that role (the
 * performer's content item, the member's order...): the other user of the same role, calling with the same input,
 * must be refused too, with NOT_FOUND unless the entry says why the id is public.
 *
 * Why one file: it is one table with a line per procedure, kept whole so a reviewer sees every procedure's callers
 * in one place and the test can say which procedure has no line.
 */

/** The six kinds of caller. A suspended user still holds a cookie from before the suspension. */
export const CALLERS = ["signedOut", "member", "performer", "applicant", "suspended", "admin"] as const;
export type CallerKind = (typeof CALLERS)[number];

export interface MatrixUsers {
  member: SessionUser;
  otherMember: SessionUser;
  performer: SessionUser;
  otherPerformer: SessionUser;
  /** Applied to be a performer, not yet reviewed: still a MEMBER. */
  applicant: SessionUser;
  /** A performer suspended after signing in. */
  suspended: SessionUser;
  admin: SessionUser;
  /** Targets of admin and moderation actions, so those actions never change the callers above. */
  bystander: SessionUser;
  candidate: SessionUser;
}

/** Objects the fixture users own, made once for the whole matrix. */
export interface MatrixFixtures {
  users: MatrixUsers;
  /** The performer's published item and its protected file. */
  contentItemId: string;
  contentFileId: string;
  /** The performer's items that content.delete and content.deleteFile may remove. */
  deletableItemId: string;
  deletableFileId: string;
  /** The performer's item never published. */
  draftItemId: string;
  /** The performer's fan-club plan; the member holds a membership of it. */
  planId: string;
  sitePlanId: string;
  membershipId: string;
  /** The performer's store item, and the member's paid order of it. */
  storeItemId: string;
  siteStoreItemId: string;
  orderId: string;
  /** The member's card purchase of credits. */
  purchaseId: string;
  packageId: string;
  /** The performer's open withdrawal. */
  withdrawalId: string;
  /** A private show the member asked of the performer, not yet answered. */
  showId: string;
  /** The performer's digital store item with its file, and the member's paid order of it. */
  digitalItemId: string;
  digitalOrderId: string;
  /** The performer's store item that is not on sale. */
  inactiveStoreItemId: string;
  /** A service the performer asked the member to pay for in their room, paid from the member's Credits. */
  paymentRequestId: string;
}

export type Owner = "member" | "performer";

export interface MatrixEntry {
  allow: readonly CallerKind[];
  /** A valid input: the check measures authorization, not validation. Called afresh for each call. */
  input?: (fixtures: MatrixFixtures) => unknown;
  owner?: Owner | readonly Owner[];
  /**
   * Why strangers may be refused with FORBIDDEN rather than NOT_FOUND: the id is public anyway (a performer's id,
   * a plan on sale), so the refusal confirms nothing. Without it, a stranger gets NOT_FOUND, as for a missing id.
   */
  publicId?: string;
  /**
   * What callers outside `allow` get instead of a refusal, where the answer says nothing about the object: a
   * heartbeat for a show the caller is not in is answered "not live", as for one that does not exist.
   */
  othersGet?: unknown;
}

const EVERYONE: readonly CallerKind[] = CALLERS;
/** memberProcedure: any signed-in, active user. */
const SIGNED_IN: readonly CallerKind[] = ["member", "performer", "applicant", "admin"];
/** Role MEMBER, whether or not they applied to perform. */
const MEMBERS: readonly CallerKind[] = ["member", "applicant"];
const PERFORMER: readonly CallerKind[] = ["performer"];
const ADMIN: readonly CallerKind[] = ["admin"];
const PERFORMER_OR_ADMIN: readonly CallerKind[] = ["performer", "admin"];
/** Who has a payout profile: performers, and applicants preparing one. */
const PAYEES: readonly CallerKind[] = ["performer", "applicant"];

/** The buyer and the seller of an order, the member and the performer of a show. */
const BOTH_SIDES: readonly Owner[] = ["member", "performer"];
const PERFORMER_IDS_ARE_PUBLIC = "A performer's id names their public room and profile.";

const key = () => randomUUID();
const unknownId = "00000000-0000-4000-8000-000000000000";
const address = { name: "Mia Member", line1: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };
const plan = { name: "Matrix plan", description: "", perks: "", price: 50n, periodDays: 30, active: true };
const storeItem = { kind: "PHYSICAL", title: "Matrix item", description: "An item", price: 100n, stock: 10, active: true } as const;
const content = { title: "Matrix item", description: "", teaser: "", body: "", price: 100n, planId: null, membersOnly: false };

export const AUTHORIZATION_MATRIX: Record<string, MatrixEntry> = {
  "admin.applications.list": { allow: ADMIN },
  "admin.applications.review": { allow: ADMIN, input: (fx) => ({ userId: fx.users.candidate.id, decision: "REJECT", note: "Not this time" }) },
  "admin.overview": { allow: ADMIN },
  "admin.users.reactivate": { allow: ADMIN, input: (fx) => ({ userId: fx.users.bystander.id }) },
  "admin.users.suspend": { allow: ADMIN, input: () => ({ userId: unknownId, reason: "Matrix check" }) },

  "adminWallets.createCurrency": { allow: ADMIN, input: () => ({ code: `M${randomUUID().replace(/[^a-f]/g, "").slice(0, 6).toUpperCase()}`.padEnd(4, "X"), name: "Matrix money", kind: "POINTS", exponent: 0 }) },
  "adminWallets.createType": {
    allow: ADMIN,
    input: () => ({ id: `matrix-${randomUUID().slice(0, 8)}`, name: "Matrix", description: "", currency: "PTS", paysFor: [], transferable: false, withdrawable: false, storeShareCapBps: 0, exchangeIn: false, exchangeOut: false, active: false, position: 90 }),
  },
  "adminWallets.currencies": { allow: ADMIN },
  "adminWallets.setCurrencyActive": { allow: ADMIN, input: () => ({ code: "NOPE", active: false }) },
  "adminWallets.setTypeActive": { allow: ADMIN, input: () => ({ id: "no-such-wallet", active: false }) },
  "adminWallets.types": { allow: ADMIN },
  "adminWallets.updateType": {
    allow: ADMIN,
    input: () => ({ id: "no-such-wallet", name: "Matrix", description: "", paysFor: [], transferable: false, withdrawable: false, storeShareCapBps: 0, exchangeIn: false, exchangeOut: false, position: 90 }),
  },

  "audit.actions": { allow: ADMIN },
  "audit.list": { allow: ADMIN, input: () => ({}) },

  "auth.confirmEmail": { allow: EVERYONE, input: () => ({ token: "a-link-nobody-was-sent" }) },
  "auth.me": { allow: SIGNED_IN },
  "auth.resendConfirmation": { allow: EVERYONE, input: () => ({ email: `resend-${randomUUID().slice(0, 8)}@tipmeter.test` }) },
  "auth.signUp": {
    allow: EVERYONE,
    input: () => {
      const suffix = randomUUID().slice(0, 8);
      return { email: `signup-${suffix}@tipmeter.test`, username: `signup-${suffix}`, displayName: "Sign Up", password: "a long matrix passphrase" };
    },
  },

  "commissions.list": { allow: ADMIN },
  "commissions.set": { allow: ADMIN, input: (fx) => ({ kind: "TIP", performerId: fx.users.otherPerformer.id, performerShareBps: 8_000 }) },

  "content.byPerformer": { allow: EVERYONE, input: (fx) => ({ username: fx.users.performer.username }) },
  "content.create": { allow: PERFORMER, input: () => ({ ...content, kind: "POST" }) },
  "content.delete": { allow: PERFORMER, owner: "performer", input: (fx) => ({ itemId: fx.deletableItemId }) },
  "content.deleteFile": { allow: PERFORMER, owner: "performer", input: (fx) => ({ fileId: fx.deletableFileId }) },
  "content.get": { allow: PERFORMER, owner: "performer", input: (fx) => ({ itemId: fx.contentItemId }) },
  "content.item": { allow: EVERYONE, input: (fx) => ({ itemId: fx.contentItemId }) },
  "content.library": { allow: SIGNED_IN },
  "content.mine": { allow: PERFORMER },
  "content.planChoices": { allow: PERFORMER },
  "content.setStatus": { allow: PERFORMER, owner: "performer", input: (fx) => ({ itemId: fx.contentItemId, status: "PUBLISHED" }) },
  "content.unlock": { allow: MEMBERS, input: (fx) => ({ itemId: fx.contentItemId, idempotencyKey: key() }) },
  "content.update": { allow: PERFORMER, owner: "performer", input: (fx) => ({ ...content, itemId: fx.contentItemId, title: "Matrix renamed" }) },

  "earnings.maturing": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "earnings.overview": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "earnings.recent": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },

  "exchange.addRate": { allow: ADMIN, input: () => ({ fromCurrency: "USD", toCurrency: "EUR", rate: "0.9", feeBps: 100 }) },
  "exchange.confirm": { allow: SIGNED_IN, input: () => ({ quoteId: randomUUID(), idempotencyKey: key() }) },
  "exchange.currencies": { allow: ADMIN },
  "exchange.quote": { allow: SIGNED_IN, input: () => ({ fromWalletTypeId: "credits", toWalletTypeId: "usd", amount: "1000000" }) },
  "exchange.rates": { allow: ADMIN },
  "exchange.wallets": { allow: SIGNED_IN },
  "ledger.adjust": {
    allow: ADMIN,
    input: (fx) => ({ userId: fx.users.bystander.id, wallet: "credits", amount: "5", reason: "Matrix check", idempotencyKey: key() }),
  },
  "ledger.books": { allow: ADMIN },
  "ledger.cardSales": { allow: ADMIN },
  "ledger.currencies": { allow: ADMIN },
  "ledger.currencyBooks": { allow: ADMIN, input: () => ({ currency: "USD" }) },
  "ledger.createPackage": {
    allow: ADMIN,
    input: () => ({ name: "Matrix pack", credits: 100n, bonusCredits: 0n, priceMinor: 100n, currency: "usd", active: false, sortOrder: 1 }),
  },
  "ledger.explore": { allow: ADMIN, input: () => ({}) },
  "ledger.packages": { allow: ADMIN },
  "ledger.updatePackage": {
    allow: ADMIN,
    input: (fx) => ({ id: fx.packageId, name: "Matrix pack", credits: 100n, bonusCredits: 0n, priceMinor: 100n, currency: "usd", active: true, sortOrder: 1 }),
  },
  "ledger.user": { allow: ADMIN, input: (fx) => ({ userId: fx.users.member.id }) },
  "ledger.users": { allow: ADMIN, input: () => ({}) },

  "memberships.cancel": { allow: ["member"], owner: "member", input: (fx) => ({ membershipId: fx.membershipId }) },
  "memberships.createPlan": { allow: PERFORMER, input: () => plan },
  "memberships.mine": { allow: SIGNED_IN },
  "memberships.myPlans": { allow: PERFORMER },
  "memberships.performerPlans": { allow: EVERYONE, input: (fx) => ({ username: fx.users.performer.username }) },
  "memberships.resume": { allow: ["member"], owner: "member", input: (fx) => ({ membershipId: fx.membershipId }) },
  "memberships.siteAdmin.createPlan": { allow: ADMIN, input: () => plan },
  "memberships.siteAdmin.plans": { allow: ADMIN },
  "memberships.siteAdmin.updatePlan": { allow: ADMIN, input: (fx) => ({ ...plan, id: fx.sitePlanId }) },
  "memberships.sitePlans": { allow: EVERYONE },
  "memberships.subscribe": { allow: SIGNED_IN, input: (fx) => ({ planId: fx.sitePlanId, idempotencyKey: key() }) },
  "memberships.updatePlan": { allow: PERFORMER, owner: "performer", publicId: "Plan ids are on the performer's public page.", input: (fx) => ({ ...plan, id: fx.planId }) },

  "outbox.retry": { allow: ADMIN, input: () => ({ id: 9_000_000_000_000n }) },
  "outbox.undelivered": { allow: ADMIN },

  "paymentRequests.decline": { allow: ["member"], owner: "member", input: (fx) => ({ requestId: fx.paymentRequestId }) },
  "paymentRequests.finishService": { allow: PERFORMER, owner: "performer", input: (fx) => ({ requestId: fx.paymentRequestId }) },
  "paymentRequests.get": { allow: ["member", "performer"], owner: BOTH_SIDES, input: (fx) => ({ requestId: fx.paymentRequestId }) },
  "paymentRequests.giveShipping": { allow: ["member"], owner: "member", input: (fx) => ({ requestId: fx.paymentRequestId, address }) },
  "paymentRequests.inRoom": { allow: SIGNED_IN, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "paymentRequests.payByCard": { allow: ["member"], owner: "member", input: (fx) => ({ requestId: fx.paymentRequestId }) },
  "paymentRequests.payFromWallet": { allow: ["member"], owner: "member", input: (fx) => ({ requestId: fx.paymentRequestId }) },
  "paymentRequests.received": { allow: SIGNED_IN, input: () => ({}) },
  "paymentRequests.send": {
    allow: PERFORMER,
    input: (fx) => ({ memberId: fx.users.member.id, type: "SERVICE", description: "Matrix check", amount: 10n, idempotencyKey: key() }),
  },
  "paymentRequests.sent": { allow: PERFORMER, input: () => ({}) },
  "paymentRequests.startService": { allow: PERFORMER, owner: "performer", input: (fx) => ({ requestId: fx.paymentRequestId }) },

  "payouts.admin.approve": { allow: ADMIN, input: () => ({ id: unknownId }) },
  "payouts.admin.approveMany": { allow: ADMIN, input: () => ({ ids: [unknownId] }) },
  "payouts.admin.markPaid": { allow: ADMIN, input: () => ({ id: unknownId, reference: "PAY-123" }) },
  "payouts.admin.pendingCount": { allow: ADMIN },
  "payouts.admin.profile": { allow: ADMIN, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "payouts.admin.queue": { allow: ADMIN, input: () => ({}) },
  "payouts.admin.reject": { allow: ADMIN, input: () => ({ id: unknownId, reason: "Matrix check" }) },
  "payouts.admin.rejectMany": { allow: ADMIN, input: () => ({ ids: [unknownId], reason: "Matrix check" }) },
  "payouts.admin.retryPayout": { allow: ADMIN, input: () => ({ id: unknownId }) },
  "payouts.admin.revealDetails": { allow: ADMIN, input: (fx) => ({ id: fx.withdrawalId }) },
  "payouts.admin.revealProfile": { allow: ADMIN, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "payouts.profile.get": { allow: PAYEES },
  "payouts.profile.save": {
    allow: PAYEES,
    input: () => ({
      method: "PAYPAL",
      currency: "USD",
      details: { legal_name: "Matrix Person", country: "US", tax_id: "98-7654321", paypal_email: "matrix@example.com" },
    }),
  },
  "payouts.profile.startStripeOnboarding": { allow: PAYEES, input: () => ({ returnTo: "profile" }) },
  "payouts.profile.stripeStatus": { allow: SIGNED_IN },
  "payouts.settings.get": { allow: ADMIN },
  "payouts.settings.removeMethod": { allow: ADMIN, input: () => ({ method: "STRIPE_CONNECT" }) },
  "payouts.settings.removeRate": { allow: ADMIN, input: () => ({ currency: "JPY" }) },
  "payouts.settings.saveField": {
    allow: ADMIN,
    input: () => ({ key: "matrix_note", label: "Matrix note", format: "text", required: false, sensitive: false, methods: [], sortOrder: 900, active: true }),
  },
  "payouts.settings.setMethod": {
    allow: ADMIN,
    input: () => ({ method: "BANK_TRANSFER", fixedMinor: 0n, percentBps: 0, minCredits: 200n, maxCredits: 100_000n }),
  },
  "payouts.settings.setRate": { allow: ADMIN, input: () => ({ currency: "USD", credits: 20n, amountMinor: 100n }) },
  "payouts.withdrawals.cancel": { allow: PERFORMER, owner: "performer", input: (fx) => ({ id: fx.withdrawalId }) },
  "payouts.withdrawals.list": { allow: PERFORMER },
  "payouts.withdrawals.overview": { allow: PERFORMER },
  "payouts.withdrawals.request": { allow: PERFORMER, input: () => ({ credits: 1_000_000n, idempotencyKey: key() }) },

  "performers.byUsername": { allow: EVERYONE, input: (fx) => ({ username: fx.users.performer.username }) },
  "performers.discover": { allow: EVERYONE, input: () => ({}) },
  "performers.list": { allow: EVERYONE, input: () => ({}) },
  "performers.submitApplication": { allow: [...MEMBERS, "performer"], input: () => ({ stageName: "Matrix Hopeful", bio: "" }) },
  "performers.updateMyProfile": { allow: PERFORMER, input: (fx) => ({ stageName: fx.users.performer.displayName, bio: "Bio" }) },

  "revenue.sales": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "revenue.summary": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },

  "rooms.get": { allow: EVERYONE, input: (fx) => ({ username: fx.users.performer.username }) },
  "rooms.messages": { allow: SIGNED_IN, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "rooms.mute": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id, memberId: fx.users.bystander.id }) },
  "rooms.readmit": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id, memberId: fx.users.bystander.id }) },
  "rooms.remove": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id, memberId: fx.users.bystander.id }) },
  "rooms.restrictions": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "rooms.sendMessage": { allow: SIGNED_IN, input: (fx) => ({ performerId: fx.users.performer.id, body: "Hello from the matrix" }) },
  "rooms.setOnline": { allow: PERFORMER, input: () => ({ online: true }) },
  "rooms.settings": { allow: PERFORMER },
  "rooms.unmute": { allow: PERFORMER_OR_ADMIN, owner: "performer", publicId: PERFORMER_IDS_ARE_PUBLIC, input: (fx) => ({ performerId: fx.users.performer.id, memberId: fx.users.bystander.id }) },
  "rooms.updateSettings": { allow: PERFORMER, input: () => ({ privatePricePerMinute: 10n }) },

  "settings.get": { allow: ADMIN },
  "settings.set": { allow: ADMIN, input: () => ({ key: "earningsHold", value: { defaultDays: 7, byKind: {} } }) },

  "shows.current": { allow: SIGNED_IN, input: (fx) => ({ performerId: fx.users.performer.id }) },
  "shows.end": { allow: ["member", "performer"], owner: BOTH_SIDES, input: (fx) => ({ showId: fx.showId }) },
  "shows.heartbeat": { allow: ["member", "performer"], owner: BOTH_SIDES, othersGet: { live: false }, input: (fx) => ({ showId: fx.showId }) },
  "shows.history": { allow: SIGNED_IN },
  "shows.join": { allow: ["member"], owner: "member", input: (fx) => ({ showId: fx.showId, idempotencyKey: key() }) },
  "shows.leave": { allow: ["member"], owner: "member", input: (fx) => ({ showId: fx.showId }) },
  "shows.meter": { allow: ["member", "performer"], owner: BOTH_SIDES, input: (fx) => ({ showId: fx.showId }) },
  "shows.pauseMeter": { allow: PERFORMER, owner: "performer", input: (fx) => ({ showId: fx.showId }) },
  "shows.requestPrivate": { allow: MEMBERS, input: (fx) => ({ performerId: fx.users.otherPerformer.id, idempotencyKey: key() }) },
  "shows.respond": { allow: PERFORMER, owner: "performer", input: (fx) => ({ showId: fx.showId, accept: false }) },
  "shows.resumeMeter": { allow: PERFORMER, owner: "performer", input: (fx) => ({ showId: fx.showId }) },
  "shows.startGroup": { allow: PERFORMER, input: () => ({}) },
  "shows.startMeter": { allow: PERFORMER, owner: "performer", input: (fx) => ({ showId: fx.showId }) },

  "store.allOrders": { allow: ADMIN, input: () => ({}) },
  "store.buy": { allow: SIGNED_IN, input: (fx) => ({ itemId: fx.siteStoreItemId, quantity: 1, shippingAddress: address, idempotencyKey: key() }) },
  "store.cancel": { allow: ["member"], owner: "member", input: (fx) => ({ orderId: fx.orderId }) },
  "store.catalogue": { allow: EVERYONE },
  "store.changeStatus": { allow: ["performer", "admin"], owner: "performer", input: (fx) => ({ orderId: fx.orderId, status: "SHIPPED" }) },
  "store.item": { allow: EVERYONE, input: (fx) => ({ itemId: fx.storeItemId }) },
  "store.myItems": { allow: PERFORMER },
  "store.myOrders": { allow: SIGNED_IN },
  "store.order": { allow: ["member", "performer", "admin"], owner: BOTH_SIDES, input: (fx) => ({ orderId: fx.orderId }) },
  "store.paymentTerms": { allow: EVERYONE },
  "store.refund": { allow: ["performer", "admin"], owner: "performer", input: (fx) => ({ orderId: fx.orderId, reason: "Matrix check" }) },
  "store.resumeCheckout": { allow: ["member"], owner: "member", input: (fx) => ({ orderId: fx.orderId }) },
  "store.saveMyItem": { allow: PERFORMER, owner: "performer", input: (fx) => ({ ...storeItem, id: fx.storeItemId }) },
  "store.saveSiteItem": { allow: ADMIN, input: (fx) => ({ ...storeItem, id: fx.siteStoreItemId, title: "Site matrix item" }) },
  "store.sellerOrders": { allow: PERFORMER },
  "store.siteItems": { allow: ADMIN },

  "tabs.close": { allow: SIGNED_IN, input: () => ({ tabId: randomUUID() }) },
  "tabs.finalise": { allow: PERFORMER_OR_ADMIN, input: () => ({ tabId: randomUUID() }) },
  "tabs.get": { allow: SIGNED_IN, input: () => ({ tabId: randomUUID() }) },
  "tabs.history": { allow: SIGNED_IN },
  "tabs.list": { allow: ADMIN, input: () => ({ status: null }) },
  "tabs.mine": { allow: SIGNED_IN },
  "tabs.open": { allow: MEMBERS, input: () => ({ performerId: randomUUID(), limit: "20" }) },
  "tabs.payDue": { allow: SIGNED_IN, input: () => ({ tabId: randomUUID() }) },
  "tabs.performerTabs": { allow: PERFORMER },
  "tabs.refresh": { allow: SIGNED_IN, input: () => ({ tabId: randomUUID() }) },
  "tabs.terms": { allow: SIGNED_IN },
  "tabs.writeOff": { allow: PERFORMER_OR_ADMIN, input: () => ({ tabId: randomUUID() }) },
  "tips.received": { allow: PERFORMER },
  "tips.send": { allow: SIGNED_IN, input: (fx) => ({ performerId: fx.users.otherPerformer.id, amount: 1n, idempotencyKey: key() }) },

  "spending.wallets": { allow: SIGNED_IN, input: () => ({ purpose: "STORE" }) },
  "transfers.preview": { allow: SIGNED_IN, input: (fx) => ({ recipient: fx.users.bystander.username, amount: 1n }) },
  "transfers.send": { allow: SIGNED_IN, input: (fx) => ({ recipient: fx.users.bystander.username, amount: 1n, idempotencyKey: key() }) },
  "transfers.terms": { allow: SIGNED_IN },

  "wallet.balances": { allow: SIGNED_IN },
  "wallet.history": { allow: SIGNED_IN, input: () => ({}) },
  "wallet.packages": { allow: EVERYONE },
  "wallet.purchases": { allow: SIGNED_IN },
  "wallet.purchase": { allow: ["member"], owner: "member", input: (fx) => ({ purchaseId: fx.purchaseId }) },
  "wallet.startCheckout": { allow: SIGNED_IN, input: (fx) => ({ packageId: fx.packageId, idempotencyKey: key() }) },
  "wallet.wallets": { allow: SIGNED_IN },
  "walletPreferences.get": { allow: SIGNED_IN },
  "walletPreferences.setActive": { allow: SIGNED_IN, input: () => ({ walletTypeId: "credits" }) },
  "walletPreferences.setAutoTopUp": { allow: SIGNED_IN, input: () => ({ sourceWalletTypeId: "usd", below: 10n, amount: 500n, maxPerDay: 3 }) },
  "walletPreferences.clearAutoTopUp": { allow: SIGNED_IN },
  "walletPreferences.topUpNow": { allow: SIGNED_IN, input: () => ({ idempotencyKey: key() }) },
};

/**
 * Who may call each route handler under app/api, read by the same test, which finds the handlers on disk: a
 * route file without an entry here fails it. Each case is one request, sent as each kind of caller with the
 * session cookie that caller's browser would send.
 */
export interface RouteRequest {
  /** The URL path, for the handler's request.url. */
  path: string;
  /** The dynamic segments, as Next passes them to the handler. */
  params?: Record<string, string | string[]>;
  body?: BodyInit;
  headers?: Record<string, string>;
}

export interface RouteCase {
  name: string;
  method: "GET" | "POST";
  allow: readonly CallerKind[];
  owner?: Owner;
  /** Why anyone, signed in or not, may send it. */
  publicBecause?: string;
  /** Why the test only checks the handler is exported, without calling it. */
  notCalled?: string;
  /** The status every caller gets, whoever they are. */
  everyoneGets?: number;
  /** Where a refused caller gets something other than 401 signed out, 403 for their role, 404 as a stranger. */
  refusals?: { signedOut?: number; stranger?: number };
  /** A fresh request for each call (a body can be read once). */
  request: (fixtures: MatrixFixtures) => RouteRequest;
}

function upload(bytes: Uint8Array<ArrayBuffer>, fileName: string, type: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set("file", new File([bytes], fileName, { type }));
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** A minimal PDF, enough for the store's file sniffing. */
export const MATRIX_PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

export const ROUTE_MATRIX: Record<string, (fixtures: { image: Uint8Array<ArrayBuffer> }) => RouteCase[]> = {
  "app/api/admin/audit/export/route.ts": () => [
    { name: "export the audit log", method: "GET", allow: ADMIN, request: () => ({ path: "/api/admin/audit/export" }) },
  ],
  "app/api/admin/ledger/export/route.ts": () => [
    { name: "export the ledger", method: "GET", allow: ADMIN, request: () => ({ path: "/api/admin/ledger/export?currency=CRD" }) },
  ],
  "app/api/admin/withdrawals/export/route.ts": () => [
    { name: "export withdrawals", method: "GET", allow: ADMIN, request: () => ({ path: "/api/admin/withdrawals/export?format=csv" }) },
  ],
  "app/api/auth/[...nextauth]/route.ts": () => [
    {
      name: "next-auth's endpoints",
      method: "GET",
      allow: EVERYONE,
      publicBecause: "next-auth's own endpoints: signing in is what a signed-out visitor does.",
      notCalled: "next-auth's handler reads next/headers, which exists only inside Next's request scope; e2e sign-in covers it.",
      request: () => ({ path: "/api/auth/providers", params: { nextauth: ["providers"] } }),
    },
  ],
  "app/api/content/files/[fileId]/route.ts": () => [
    {
      name: "stream a protected file",
      method: "GET",
      // The buyer (the member unlocked it), its performer, and admins.
      allow: ["member", "performer", "admin"],
      owner: "performer",
      refusals: { signedOut: 403, stranger: 403 },
      request: (fx) => ({ path: `/api/content/files/${fx.contentFileId}`, params: { fileId: fx.contentFileId } }),
    },
  ],
  "app/api/content/items/[itemId]/files/route.ts": ({ image }) => [
    {
      name: "upload a teaser to an item",
      method: "POST",
      allow: PERFORMER,
      owner: "performer",
      request: (fx) => ({
        path: `/api/content/items/${fx.contentItemId}/files`,
        params: { itemId: fx.contentItemId },
        body: upload(image, "teaser.jpg", "image/jpeg", { role: "TEASER" }),
      }),
    },
  ],
  "app/api/health/route.ts": () => [
    {
      name: "readiness",
      method: "GET",
      allow: EVERYONE,
      publicBecause: "polled by the orchestrator and Playwright; says only that the app and database answer.",
      request: () => ({ path: "/api/health" }),
    },
  ],
  "app/api/pusher/auth/route.ts": () => [
    {
      name: "subscribe to one's own user channel",
      method: "POST",
      allow: ["member"],
      owner: "member",
      refusals: { stranger: 403 },
      request: (fx) => ({
        path: "/api/pusher/auth",
        body: new URLSearchParams({ socket_id: "1234.5678", channel_name: `private-user-${fx.users.member.id}` }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    },
    {
      name: "subscribe to the admins' channel",
      method: "POST",
      allow: ADMIN,
      request: () => ({
        path: "/api/pusher/auth",
        body: new URLSearchParams({ socket_id: "1234.5678", channel_name: "private-admins" }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    },
  ],
  "app/api/revenue/export/route.ts": () => [
    {
      name: "export a performer's business revenue",
      method: "GET",
      allow: PERFORMER_OR_ADMIN,
      owner: "performer",
      // A performer's id is public (their room and profile); naming another's is refused for the role, not hidden.
      refusals: { stranger: 403 },
      request: (fx) => ({ path: `/api/revenue/export?period=all&performerId=${fx.users.performer.id}` }),
    },
  ],
  "app/api/store/items/[itemId]/file/route.ts": () => [
    {
      name: "attach a file to a digital item",
      method: "POST",
      allow: PERFORMER,
      owner: "performer",
      request: (fx) => ({
        path: `/api/store/items/${fx.digitalItemId}/file`,
        params: { itemId: fx.digitalItemId },
        body: upload(MATRIX_PDF, "setlist.pdf", "application/pdf"),
      }),
    },
  ],
  "app/api/store/orders/[orderId]/download/route.ts": () => [
    {
      name: "download a digital purchase",
      method: "GET",
      allow: ["member"],
      owner: "member",
      request: (fx) => ({ path: `/api/store/orders/${fx.digitalOrderId}/download`, params: { orderId: fx.digitalOrderId } }),
    },
  ],
  "app/api/trpc/[trpc]/route.ts": () => [
    {
      name: "a procedure over HTTP (auth.me)",
      method: "GET",
      allow: SIGNED_IN,
      request: () => ({ path: "/api/trpc/auth.me", params: { trpc: "auth.me" } }),
    },
  ],
  "app/api/webhooks/stripe/route.ts": () => [
    {
      name: "an unsigned event",
      method: "POST",
      allow: EVERYONE,
      publicBecause: "Stripe calls it; the signature is checked instead of a session.",
      // The signature is the only credential: a session, an admin's too, gets nowhere without it.
      everyoneGets: 400,
      request: () => ({ path: "/api/webhooks/stripe", body: JSON.stringify({ id: "evt_matrix", type: "checkout.session.completed" }) }),
    },
  ],
};

/**
 * Public procedures that name an object not everyone may see (a draft item): those in `seenBy` get it, everyone
 * else, the owner's rivals included, gets NOT_FOUND, as for an id that does not exist.
 */
export interface HiddenObjectCase {
  name: string;
  procedure: string;
  seenBy: readonly CallerKind[];
  input: (fixtures: MatrixFixtures) => unknown;
}

export const HIDDEN_OBJECT_CASES: HiddenObjectCase[] = [
  { name: "a draft content item", procedure: "content.item", seenBy: PERFORMER_OR_ADMIN, input: (fx) => ({ itemId: fx.draftItemId }) },
  { name: "an item taken off sale", procedure: "store.item", seenBy: [], input: (fx) => ({ itemId: fx.inactiveStoreItemId }) },
];
