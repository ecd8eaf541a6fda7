import type { AnyTRPCProcedure, AnyTRPCRouter } from "@trpc/server";
import type { z } from "zod";

/**
 * Test support: the procedures of a tRPC router as data, read from the router itself, so a test that walks this
 * list covers a procedure the day it is added. Takes the router as an argument rather than importing it:
 * importing the app's router parses server/env, which some test files must set up first.
 */

export type ProcedureType = "query" | "mutation" | "subscription";

export interface RouterProcedure {
  /** Dotted path as the client calls it, e.g. "payouts.withdrawals.request". */
  path: string;
  type: ProcedureType;
  /** The zod schemas given to `.input()`, in order; tRPC merges them. Empty when the procedure takes no input. */
  inputs: z.ZodType[];
}

interface ProcedureDef {
  type: ProcedureType;
  inputs: unknown[];
}

/** Every procedure of `router`, nested routers flattened to dotted paths, sorted by path. */
export function listProcedures(router: AnyTRPCRouter): RouterProcedure[] {
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure>;
  return Object.entries(procedures)
    .map(([path, procedure]) => {
      const def = procedure._def as unknown as ProcedureDef;
      return { path, type: def.type, inputs: def.inputs as z.ZodType[] };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls the procedure at dotted `path` on a caller made by `router.createCaller`, with `input`. */
export function callProcedure(caller: object, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  if (typeof target !== "function") throw new Error(`No procedure at ${path}.`);
  return (target as (input: unknown) => Promise<unknown>)(input);
}
