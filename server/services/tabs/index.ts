import "server-only";

/**
 * Card tabs (pay later by card, issue 14): a member's card authorised up to a limit, spent like a wallet in one
 * performer's room, captured once for what it accrued (or in parts at a split threshold), with the amount due
 * paid by another card or written off when the card fails. lifecycle.ts (split, close, capture),
 * opening.ts (opening), debts.ts (paying or writing off what is owed), events.ts (the processor's webhooks), sweep.ts (the job),
 * views.ts (what pages show), queries.ts (the SQL), notices.ts (events and emails).
 */
export { closeTab } from "./lifecycle";
export { TAB_METADATA_KIND, type TabOpening, openTab, openTabSchema, refreshOpening } from "./opening";
export { applySettlement, payTabDue, writeOffTab } from "./debts";
export { handleCardTabEvent } from "./events";
export { runTabSweep } from "./sweep";
export { type TabView, type TabViewer, adminTabs, myLiveTab, myTabs, performerTabs, tabFor, tabTerms } from "./views";
