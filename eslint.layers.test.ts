import { readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layer rules of eslint.config.mjs, each shown failing on a violating import and passing on an allowed one.
 * Sources are linted as text under a path in the layer, so no fixture file lands in the tree.
 */
const cwd = path.dirname(new URL(import.meta.url).pathname);
// no-cycle checks a file against the import graph it precomputed from disk (its SCC shortcut), which doesn't know the
// linted text's extra import; without the shortcut it walks the imports as the text has them.
const eslint = new ESLint({
  cwd,
  overrideConfig: { files: ["server/**/*.ts"], rules: { "import/no-cycle": ["error", { ignoreExternal: true, disableScc: true }] } },
});
// import/no-cycle reads the linted file from disk, so text under a path that doesn't exist is linted without it.
const eslintWithoutCycles = new ESLint({ cwd, overrideConfig: { rules: { "import/no-cycle": "off" } } });

async function problems(filePath: string, code: string, linter = eslintWithoutCycles): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await linter.lintText(code, { filePath });
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }));
}

const MARKED = 'import "server-only";\n';
const HAND_BUILT_EVENT = 'const event = { key: "k", kind: "realtime", channels: ["private-admins"], event: "order.updated", data: {} };\n';
const PUBLISHED_EVENT =
  'import { ADMINS_CHANNEL } from "@/server/domain/realtime-events";\nimport { realtimeEvent } from "@/server/outbox/realtime";\nconst event = realtimeEvent("k", ADMINS_CHANNEL, "order.updated", { id: "o1", status: "PAID" });\n';

const LONG_MODULE = Array.from({ length: 401 }, (_, index) => `export const line${index} = ${index};`).join("\n");

const cases: { layer: string; file: string; violating: string; allowed: string; rule: string; says: string }[] = [
  {
    layer: "server/domain imports nothing outside itself",
    file: "server/domain/layer-fixture.ts",
    violating: 'import { pool } from "@/server/db/client";\nexport const db = pool;\n',
    allowed: 'import { DomainError } from "./errors";\nimport { z } from "zod";\nexport const rule = [DomainError, z];\n',
    rule: "import/no-restricted-paths",
    says: "server/domain holds pure rules",
  },
  {
    layer: "services never import server/api",
    file: "server/services/layer-fixture.ts",
    violating: `${MARKED}import { INTERNAL_ERROR_MESSAGE } from "@/server/api/errors";\nexport const m = INTERNAL_ERROR_MESSAGE;\n`,
    allowed: `${MARKED}import { DomainError } from "@/server/domain/errors";\nexport const e = DomainError;\n`,
    rule: "import/no-restricted-paths",
    says: "Services sit below the API and the app",
  },
  {
    layer: "services never import app/",
    file: "server/services/layer-fixture.ts",
    violating: `${MARKED}import { GET } from "@/app/api/health/route";\nexport const h = GET;\n`,
    allowed: `${MARKED}import { getSetting } from "@/server/services/settings";\nexport const s = getSetting;\n`,
    rule: "import/no-restricted-paths",
    says: "Services sit below the API and the app",
  },
  {
    layer: "the ledger depends on nothing above it",
    file: "server/ledger/layer-fixture.ts",
    violating: `${MARKED}import { defineJob } from "@/server/jobs/definition";\nexport const d = defineJob;\n`,
    allowed: `${MARKED}import { withTransaction } from "@/server/db/transaction";\nimport { userAccount } from "@/server/domain/ledger";\nexport const l = [withTransaction, userAccount];\n`,
    rule: "import/no-restricted-paths",
    says: "The ledger engine depends on nothing above it",
  },
  {
    layer: "production code never imports server/testing",
    file: "server/services/layer-fixture.ts",
    violating: `${MARKED}import { makeMember } from "@/server/testing/users";\nexport const m = makeMember;\n`,
    allowed: `${MARKED}import { createMember } from "@/server/services/accounts";\nexport const m = createMember;\n`,
    rule: "import/no-restricted-paths",
    says: "Test helpers are for tests only",
  },
  {
    layer: "production code never imports an emulator's testing helpers",
    file: "components/layer-fixture.tsx",
    violating: 'import { waitFor } from "@/server/local/stripe/testing";\nexport const w = waitFor;\n',
    allowed: 'import { formatCredits } from "@/server/domain/money";\nexport const f = formatCredits;\n',
    rule: "import/no-restricted-paths",
    says: "Test helpers are for tests only",
  },
  {
    layer: "a capability is used through its entry file",
    file: "server/api/routers/layer-fixture.ts",
    violating: `${MARKED}import { sendTip } from "@/server/services/tips/tips";\nexport const t = sendTip;\n`,
    allowed: `${MARKED}import { sendTip } from "@/server/services/tips";\nexport const t = sendTip;\n`,
    rule: "import/no-restricted-paths",
    says: "through its entry file",
  },
  {
    layer: "server modules are marked server-only",
    file: "server/outbox/layer-fixture.ts",
    violating: "export const answer = 42;\n",
    allowed: `${MARKED}export const answer = 42;\n`,
    rule: "tipmeter/server-only",
    says: 'start with `import "server-only"`',
  },
  {
    layer: "a server module over 400 lines of code says why in its header",
    file: "server/services/layer-fixture.ts",
    violating: `${MARKED}/** Many constants. */\n${LONG_MODULE}\n`,
    allowed: `${MARKED}/**\n * Many constants.\n * Why one file: a fixture that must be long.\n */\n${LONG_MODULE}\n`,
    rule: "tipmeter/file-size",
    says: "split it by concern",
  },
  {
    layer: "route handlers are built with routeHandler()",
    file: "app/api/layer-fixture/route.ts",
    violating: "export async function GET(): Promise<Response> {\n  return Response.json({});\n}\n",
    allowed: 'import { routeHandler } from "@/server/api/route-handler";\nexport const GET = routeHandler({ who: "anyone" }, async () => Response.json({}));\n',
    rule: "no-restricted-syntax",
    says: "routeHandler()",
  },
  {
    layer: "route handlers don't re-export a hand-written handler",
    file: "app/api/layer-fixture/route.ts",
    violating: "const handler = async (): Promise<Response> => Response.json({});\nexport { handler as POST };\n",
    allowed: 'import { routeHandler } from "@/server/api/route-handler";\nexport const POST = routeHandler({ who: "anyone" }, async () => Response.json({}));\n',
    rule: "no-restricted-syntax",
    says: "routeHandler",
  },
  {
    layer: "services write realtime events with realtimeEvent()",
    file: "server/services/layer-fixture.ts",
    violating: `${MARKED}import { enqueue } from "@/server/outbox/messages";\n${HAND_BUILT_EVENT}export const send = (db: never) => enqueue(db, [event]);\n`,
    allowed: `${MARKED}import { enqueue } from "@/server/outbox/messages";\n${PUBLISHED_EVENT}export const send = (db: never) => enqueue(db, [event]);\n`,
    rule: "no-restricted-syntax",
    says: "realtimeEvent(key, channel, name, payload)",
  },
  {
    layer: "a realtime message spelled `as const` is hand-built too",
    file: "server/outbox/layer-fixture.ts",
    violating: `${MARKED}export const event = { key: "k", kind: "realtime" as const, channels: [], event: "room.status", data: {} };\n`,
    allowed: `${MARKED}export const message = { key: "k", kind: "wallet-update" as const, userId: "u1" };\n`,
    rule: "no-restricted-syntax",
    says: "realtimeEvent(key, channel, name, payload)",
  },
  {
    layer: "the audit module writes realtime events with realtimeEvent() too",
    file: "server/services/audit/record.ts",
    violating: `${MARKED}export ${HAND_BUILT_EVENT}`,
    allowed: `${MARKED}export const sql = "INSERT INTO audit_log (action) VALUES ($1)";\n`,
    rule: "no-restricted-syntax",
    says: "realtimeEvent(key, channel, name, payload)",
  },
  {
    layer: "route handlers write realtime events with realtimeEvent() too",
    file: "app/api/layer-fixture/route.ts",
    violating: `import { routeHandler } from "@/server/api/route-handler";\n${HAND_BUILT_EVENT}export const POST = routeHandler({ who: "anyone" }, async () => Response.json(event));\n`,
    allowed: `import { routeHandler } from "@/server/api/route-handler";\n${PUBLISHED_EVENT}export const POST = routeHandler({ who: "anyone" }, async () => Response.json(event));\n`,
    rule: "no-restricted-syntax",
    says: "realtimeEvent(key, channel, name, payload)",
  },
];

describe("layer lint rules", { timeout: 60_000 }, () => {
  it.each(cases)("$layer: fails on a violating import", async ({ file, violating, rule, says }) => {
    const found = (await problems(file, violating)).filter((problem) => problem.ruleId === rule);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain(says);
  });

  it.each(cases)("$layer: passes an allowed import", async ({ file, allowed }) => {
    expect(await problems(file, allowed)).toEqual([]);
  });

  it("finds an import cycle in server/", async () => {
    const roomAccess = readFileSync("server/services/rooms/room-access.ts", "utf8");
    const withCycle = `${roomAccess}\nexport { setRoomOnline } from "./rooms";\n`;
    const found = (await problems("server/services/rooms/room-access.ts", withCycle, eslint)).filter((problem) => problem.ruleId === "import/no-cycle");
    expect(found).toHaveLength(1);
    expect(await problems("server/services/rooms/room-access.ts", roomAccess, eslint)).toEqual([]);
  });
});
