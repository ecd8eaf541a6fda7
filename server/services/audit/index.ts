import "server-only";

/** The audit log: the one module that writes audit rows, and the admin's viewer. */
export * from "./log-viewer";
export * from "./record";
