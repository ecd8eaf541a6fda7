import type http from "node:http";
import type { Caller, Context } from "./context";
import { authenticationError, idempotencyError, invalidRequest, StripeApiError } from "./errors";
import { expandResponse } from "./expand";
import { fingerprint, parseForm, type FormObject, type FormValue } from "./form";
import { PAGE_SECURITY_HEADERS } from "./html";
import type { IdempotencyCache } from "./idempotency";
import { newId } from "./ids";
import { handlePage, type PageResponse } from "./pages";
import { Router, type Route } from "./router";
import { checkoutRoutes } from "./routes/checkout";
import { connectRoutes } from "./routes/connect";
import { controlRoutes } from "./routes/controls";
import { customerRoutes } from "./routes/customers";
import { eventRoutes } from "./routes/events";
import { paymentRoutes } from "./routes/payments";

export interface AppOptions {
  ctx: Context;
  idempotency: IdempotencyCache;
  /** When set, the only secret key accepted; otherwise any `sk_test_…` key is. */
  apiKey: string | undefined;
  apiVersion: string;
  reset(): void;
  log(line: string): void;
}

const MAX_BODY_BYTES = 1024 * 1024;

const apiRouter = new Router([...checkoutRoutes, ...paymentRoutes, ...customerRoutes, ...connectRoutes, ...eventRoutes]);
const controlRouter = new Router(controlRoutes);

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(invalidRequest("Request body too large (limit 1 MiB)."));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function redact(key: string): string {
  return `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

function authenticate(header: string | undefined, configured: string | undefined): string {
  if (!header) {
    throw authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer " +
        "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const [scheme = "", credentials = ""] = header.split(" ", 2);
  const key =
    scheme.toLowerCase() === "basic"
      ? (Buffer.from(credentials, "base64").toString("utf8").split(":")[0] ?? "")
      : scheme.toLowerCase() === "bearer"
        ? credentials.trim()
        : "";
  if (!key.startsWith("sk_test_")) {
    throw authenticationError(`Invalid API Key provided: ${redact(key)}. The Stripe emulator accepts only test-mode secret keys (sk_test_…).`);
  }
  if (configured !== undefined && key !== configured) throw authenticationError(`Invalid API Key provided: ${redact(key)}`);
  return key;
}

/** JSON bodies (handy for test controls) read as if form-encoded: every leaf becomes a string. */
function jsonToForm(value: unknown): FormValue {
  if (Array.isArray(value)) return value.map(jsonToForm);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonToForm(inner)]));
  }
  return value === null || value === undefined ? "" : String(value);
}

function controlInput(method: string, url: URL, request: http.IncomingMessage, body: string): FormObject {
  if (method !== "POST") return parseForm(url.search.slice(1));
  if (!request.headers["content-type"]?.includes("json")) return parseForm(body);
  if (body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalidRequest("The request body is not valid JSON.");
  }
  const form = jsonToForm(parsed);
  if (typeof form === "string" || Array.isArray(form)) throw invalidRequest("The request body must be a JSON object.");
  return form;
}

function takeExpand(input: FormObject): { expand: string[]; rest: FormObject } {
  const { expand, ...rest } = input;
  if (expand === undefined) return { expand: [], rest };
  const paths = Array.isArray(expand) ? expand : [expand];
  if (!paths.every((path): path is string => typeof path === "string")) {
    throw invalidRequest("Invalid expand: must be an array of strings", { param: "expand" });
  }
  return { expand: paths, rest };
}

function send(response: http.ServerResponse, status: number, body: string, headers: Record<string, string>) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  response.end(body);
}

function sendPage(response: http.ServerResponse, result: PageResponse) {
  if ("location" in result) {
    response.writeHead(303, { location: result.location, "cache-control": "no-store" });
    response.end();
    return;
  }
  response.writeHead(result.status, { "content-type": "text/html; charset=utf-8", ...PAGE_SECURITY_HEADERS });
  response.end(result.html);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function unrecognized(method: string, path: string) {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). The Stripe emulator implements the endpoints listed in server/local/stripe/README.md.`,
    { status: 404 },
  );
}

/** The node:http handler: Stripe's API under /v1, test controls under /_emulator, and the browser pages. */
export function createRequestHandler(options: AppOptions) {
  const { ctx, idempotency } = options;

  /** Runs a route; Stripe errors become their response, and say whether Idempotency-Key may keep them. */
  function run(route: Route, id: string, input: FormObject, caller: Caller) {
    try {
      const { expand, rest } = takeExpand(input);
      const result = route.handler({ id, input: rest, caller }, ctx);
      return { status: 200, body: json(expandResponse(ctx.store, result, expand)), saveable: true };
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      return { status: error.status, body: json({ error: error.raw }), saveable: error.saveable };
    }
  }

  function connectedAccount(request: http.IncomingMessage, route: Route, apiKey: string): string | null {
    const account = request.headers["stripe-account"]?.toString() || null;
    if (account === null) return null;
    if (!route.connectedAccounts) {
      throw invalidRequest(
        "The Stripe emulator supports the Stripe-Account header only on payouts, balance, balance transactions and events.",
        { code: "stripe_account_not_supported" },
      );
    }
    if (!ctx.store.accounts.get(account)) {
      throw invalidRequest(
        `The provided key '${redact(apiKey)}' does not have access to account '${account}' (or that account does not exist).`,
        { code: "account_invalid", status: 403 },
      );
    }
    return account;
  }

  function handleApi(method: string, url: URL, request: http.IncomingMessage, body: string, headers: Record<string, string>) {
    const apiKey = authenticate(request.headers.authorization, options.apiKey);
    const matched = apiRouter.match(method, url.pathname);
    if (!matched) throw unrecognized(method, url.pathname);
    const account = connectedAccount(request, matched.route, apiKey);
    const input = parseForm(method === "POST" ? body : url.search.slice(1));
    const id = matched.params.id ?? "";
    const idempotencyKey = method === "POST" ? (request.headers["idempotency-key"]?.toString() ?? null) : null;
    const caller = { origin: { id: headers["request-id"] ?? "", idempotencyKey }, account };
    if (idempotencyKey === null) return { ...run(matched.route, id, input, caller), headers };

    if (idempotencyKey.length > 255) {
      throw invalidRequest("Idempotency-Key must be at most 255 characters.", { param: "Idempotency-Key" });
    }
    const replyHeaders = { ...headers, "idempotency-key": idempotencyKey };
    const scope = `${apiKey}\n${account ?? ""}\n${idempotencyKey}`;
    const signature = `${method} ${url.pathname}\n${fingerprint(input)}`;
    const previous = idempotency.lookup(scope, signature);
    if (previous.kind === "replay") return { ...previous.response, headers: { ...replyHeaders, "idempotent-replayed": "true" } };
    if (previous.kind === "conflict") {
      throw idempotencyError(
        "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
          `Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
      );
    }
    const result = run(matched.route, id, input, caller);
    if (result.saveable) idempotency.save(scope, signature, { status: result.status, body: result.body });
    return { ...result, headers: replyHeaders };
  }

  function handleControl(method: string, url: URL, request: http.IncomingMessage, body: string) {
    authenticate(request.headers.authorization, options.apiKey);
    if (method === "POST" && url.pathname === "/_emulator/reset") {
      options.reset();
      return { reset: true };
    }
    const matched = controlRouter.match(method, url.pathname);
    if (!matched) throw unrecognized(method, url.pathname);
    const input = controlInput(method, url, request, body);
    return matched.route.handler({ id: matched.params.id ?? "", input, caller: { origin: null, account: null } }, ctx);
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const headers = {
      "request-id": newId("req"),
      "stripe-version": request.headers["stripe-version"]?.toString() ?? options.apiVersion,
    };
    try {
      if (url.pathname === "/_emulator/health") return send(response, 200, json({ ok: true }), headers);
      const body = await readBody(request);
      const page = handlePage(ctx, method, url, method === "POST" ? parseForm(body) : {});
      if (page) return sendPage(response, page);
      if (url.pathname.startsWith("/v1/")) {
        const result = handleApi(method, url, request, body, headers);
        return send(response, result.status, result.body, result.headers);
      }
      if (url.pathname.startsWith("/_emulator/")) return send(response, 200, json(handleControl(method, url, request, body)), headers);
      throw unrecognized(method, url.pathname);
    } catch (error) {
      if (error instanceof StripeApiError) return send(response, error.status, json({ error: error.raw }), headers);
      options.log(`internal error on ${method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return send(response, 500, json({ error: { type: "api_error", message: "The Stripe emulator hit an internal error." } }), headers);
    }
  }

  return (request: http.IncomingMessage, response: http.ServerResponse) => {
    void handle(request, response);
  };
}
