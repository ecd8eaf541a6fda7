import type { Caller, Context } from "./context";
import type { FormObject } from "./form";

export type Method = "GET" | "POST" | "DELETE";

export interface ApiRequest {
  /** The `:id` path parameter, e.g. the charge id of /v1/charges/:id ("" when the path has none). */
  id: string;
  /** The form-encoded body (POST) or query string (GET, DELETE), without `expand`. */
  input: FormObject;
  caller: Caller;
}

export type Handler = (request: ApiRequest, ctx: Context) => object;

export interface Route {
  method: Method;
  pattern: string;
  handler: Handler;
  /** Whether the route serves a connected account named by the Stripe-Account header. */
  connectedAccounts: boolean;
}

export function route(method: Method, pattern: string, handler: Handler, options: { connectedAccounts?: boolean } = {}): Route {
  return { method, pattern, handler, connectedAccounts: options.connectedAccounts ?? false };
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.pattern
        .split("/")
        .map((part) => {
          if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(part.slice(1));
          return "([^/]+)";
        })
        .join("/");
      return { route, regex: new RegExp(`^${source}$`), names };
    });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const { route, regex, names } of this.compiled) {
      if (route.method !== method) continue;
      const match = regex.exec(path);
      if (!match) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
      return { route, params };
    }
    return null;
  }
}
