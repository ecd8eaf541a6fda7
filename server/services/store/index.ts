import "server-only";

/** The store: items, checkout by wallet and card, orders and their lifecycle. */
export * from "./card-events";
export * from "./checkout";
export * from "./fulfilment";
export * from "./items";
export { orderPaidAnnouncements } from "./notifications";
export * from "./order-endings";
export * from "./order-views";
export * from "./orders";
