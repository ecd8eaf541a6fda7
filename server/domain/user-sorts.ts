/** Columns the admin users table sorts by, balances included. Shared by the page's URL state and the server. */
export const USER_SORTS = ["createdAt", "email", "username", "displayName", "role", "status", "available", "pending"] as const;
export type UserSort = (typeof USER_SORTS)[number];
