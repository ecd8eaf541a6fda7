import "server-only";

/**
 * Payment requests in chat: a performer asks a member in their room to pay for an online service or physical
 * goods. Files: requests.ts (send, decline, service times, shipping, the lists), paying.ts (from a wallet, by
 * card), card-events.ts (the Checkout's webhooks), expiry.ts (the sweep), presence.ts (who is in the room),
 * notices.ts (realtime events and receipt emails), queries.ts (the SQL). Rules: server/domain/payment-requests.ts.
 */
export * from "./requests";
export { PAYMENT_REQUEST_METADATA_KIND, payByCard, payFromWallet, payFromWalletAsSession, payFromWalletSchema } from "./paying";
export { paidRequestAnnouncements } from "./notices";
export { expireOverdueRequests } from "./expiry";
