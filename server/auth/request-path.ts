/**
 * Request header proxy.ts sets to the path and query being served, so server components (layouts get no
 * pathname) can send a signed-out visitor back to the exact page after sign-in. Set by us on every request,
 * overwriting anything a client sent.
 */
export const REQUEST_PATH_HEADER = "x-tipmeter-path";
