/**
 * The ledger explorer's currency filter, shared by the server page that reads the URL and the client filters: the
 * explorer shows credits unless the admin picks another currency, or all of them.
 */
export const DEFAULT_LEDGER_CURRENCY = "CRD";
export const ALL_CURRENCIES = "all";
