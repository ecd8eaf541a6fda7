import "server-only";

/** Accounts: sign-up, email confirmation, sign-in checks, performer applications, the admin's users. */
export * from "./email-confirmation";
export * from "./users";
