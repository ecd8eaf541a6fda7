import type { AnyRouter } from "@trpc/server";

/** Test support: the procedures of a tRPC router as data, so a test can cover every one and notice a new one. */

export type ProcedureType = "query" | "mutation" | "subscription";

export interface ProcedureInfo {
  /** The dotted path a client calls, e.g. "payouts.withdrawals.request". */
  path: string;
  type: ProcedureType;
}

interface ProcedureDef {
  _def: { type: ProcedureType };
}

/** Every procedure of `router`, nested routers flattened to dotted paths, sorted by path. */
export function listProcedures(router: AnyRouter): ProcedureInfo[] {
  const procedures = router._def.procedures as Record<string, ProcedureDef>;
  return Object.entries(procedures)
    .map(([path, procedure]) => ({ path, type: procedure._def.type }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls the procedure at dotted `path` on a caller made by `router.createCaller`, with `input`. */
export function callProcedure(caller: object, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  if (typeof target !== "function") throw new Error(`No procedure at ${path}.`);
  return (target as (input: unknown) => Promise<unknown>)(input);
}
