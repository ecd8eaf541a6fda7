import { invalidRequest } from "./errors";
import { apiList } from "./objects";
import type { Store } from "./store";

type Node = Record<string, unknown>;

const MAX_DEPTH = 4;

function cannotExpand(path: string) {
  return invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" });
}

/** Fields Stripe only includes when asked for, built from state rather than replacing an id. */
function includable(store: Store, node: Node, field: string): unknown {
  if (node.object === "checkout.session" && field === "line_items") {
    const items = store.sessionExtras.get(String(node.id))?.lineItems ?? [];
    return apiList(items, `/v1/checkout/sessions/${String(node.id)}/line_items`);
  }
  if (node.object === "charge" && field === "refunds") {
    const refunds = store.refunds.list(undefined, (refund) => refund.charge === node.id);
    return apiList(refunds, `/v1/charges/${String(node.id)}/refunds`);
  }
  return undefined;
}

function expandPath(store: Store, node: Node, segments: string[], path: string): void {
  const [field, ...rest] = segments;
  if (field === undefined) return;
  const included = includable(store, node, field);
  if (included !== undefined) {
    if (rest.length > 0) throw cannotExpand(path);
    node[field] = included;
    return;
  }
  if (!(field in node)) throw cannotExpand(path);
  const current = node[field];
  if (typeof current === "string") {
    const target = store.lookup(current);
    if (!target) throw cannotExpand(path);
    node[field] = structuredClone(target);
  }
  const next = node[field];
  if (rest.length > 0 && next !== null && typeof next === "object") expandPath(store, next as Node, rest, path);
}

/**
 * Applies `expand[]` to a response: ids become the objects they name, on a copy so stored objects keep ids.
 * On lists, paths start with `data.` as Stripe requires.
 */
export function expandResponse(store: Store, result: object, paths: string[]): object {
  if (paths.length === 0) return result;
  const copy = structuredClone(result) as Node;
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH) throw cannotExpand(path);
    if (copy.object === "list") {
      if (segments[0] !== "data") throw cannotExpand(path);
      for (const item of copy.data as Node[]) expandPath(store, item, segments.slice(1), path);
    } else {
      expandPath(store, copy, segments, path);
    }
  }
  return copy;
}
