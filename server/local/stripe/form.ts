import { invalidRequest } from "./errors";

/** A request body or query string decoded the way Stripe reads `a[b][0][c]=v` keys. */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
// Plain objects back the decoded form, so these names must never become keys.
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

function segmentsOf(key: string): string[] {
  const match = KEY_PATTERN.exec(key);
  if (!match) throw invalidRequest(`Invalid parameter name: ${key}`, { param: key });
  const [, head = "", brackets = ""] = match;
  const rest = [...brackets.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "");
  const segments = [head, ...rest];
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) throw invalidRequest(`Invalid parameter name: ${key}`, { param: key });
  return segments;
}

function conflict(key: string) {
  return invalidRequest(`Invalid value for ${key}: it was sent both as a value and as a hash or array`, { param: key });
}

function assign(target: FormObject, segments: string[], value: string, key: string): void {
  let node = target;
  segments.forEach((rawSegment, index) => {
    // `a[]` appends, like Rails/qs: number it after the items already present.
    const segment = rawSegment === "" ? String(Object.keys(node).length) : rawSegment;
    const isLast = index === segments.length - 1;
    const existing = node[segment];
    if (isLast) {
      if (existing !== undefined && typeof existing !== "string") throw conflict(key);
      node[segment] = value;
      return;
    }
    if (typeof existing === "string") throw conflict(key);
    if (existing === undefined) node[segment] = {};
    node = node[segment] as FormObject;
  });
}

/** Stripe encodes arrays as `items[0][x]`, so an object whose keys are all indexes is an array. */
function withArrays(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((k) => [k, withArrays(value[k] as FormValue)] as const);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

export function parseForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) assign(root, segmentsOf(key), value, key);
  return withArrays(root) as FormObject;
}

/** A stable text for comparing two requests' parameters regardless of key order. */
export function fingerprint(value: FormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${fingerprint(value[k] as FormValue)}`).join(",")}}`;
}
