import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const rawAuditInsert = "Write audit rows with recordAudit from server/services/audit/record.ts, the one audit module.";
const NO_RAW_AUDIT_INSERTS = [
  { selector: "TemplateElement[value.raw=/INSERT\\s+INTO\\s+audit_log/i]", message: rawAuditInsert },
  { selector: "Literal[value=/INSERT\\s+INTO\\s+audit_log/i]", message: rawAuditInsert },
  { selector: "CallExpression[callee.object.property.name='auditLog'][callee.property.name=/^(create|createMany|upsert)$/]", message: rawAuditInsert },
];
const handBuiltRealtime =
  'Write realtime events with realtimeEvent(key, channel, name, payload) from server/outbox/realtime.ts: it checks the name, channels and payload against the catalogue in server/domain/realtime-events.ts.';
/** An outbox message object with `kind: "realtime"`, spelled plainly or `as const`. */
const NO_HAND_BUILT_REALTIME = [
  { selector: "ObjectExpression > Property[key.name='kind'][value.value='realtime']", message: handBuiltRealtime },
  { selector: "ObjectExpression > Property[key.name='kind'][value.expression.value='realtime']", message: handBuiltRealtime },
];
/** The publisher builds the message; tests enqueue events outside the catalogue on purpose (a relay that fails, batching). */
const REALTIME_PUBLISHER = "server/outbox/realtime.ts";
const AUDIT_MODULE = "server/services/audit/record.ts";

/**
 * Card processors are reached only through the payment gateway (server/integrations/payments): its adapters
 * are the only code that may import a processor's SDK or each other, so a second processor is added without
 * touching services. The Stripe emulator, and tests and end-to-end specs that drive it (as Stripe's side), may use the SDK.
 */
const paymentGatewayOnly = {
  paths: [{ name: "stripe", message: "Use the payment gateway: import { payments } from \"@/server/integrations/payments\"." }],
  patterns: [
    {
      group: ["@/server/integrations/payments/*", "**/integrations/payments/*"],
      message: "Import the payment gateway from \"@/server/integrations/payments\" only; its adapters are internal.",
    },
  ],
};

/** Tests and the helpers only tests use: they may reach across layers to set a scene up. */
const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "server/testing/**", "**/*.testing.ts", "server/local/*/testing.ts", "e2e/**", "scripts/chaos/**", "scripts/bench/**"];

const DOMAIN_IS_PURE = {
  target: "./server/domain",
  from: "./",
  except: ["./server/domain", "./server/generated/prisma/enums.ts", "./node_modules"],
  message:
    "server/domain holds pure rules with table-driven tests: it imports nothing outside itself (packages and the generated Prisma enums aside). Pass what a rule needs in as arguments.",
};

/** The layers every production module keeps to; each message says why, since the fix is to move code, not to silence this. */
const LAYER_ZONES = [
  DOMAIN_IS_PURE,
  {
    target: "./server/services",
    from: ["./server/api", "./app"],
    message:
      "Services sit below the API and the app: they throw DomainError (server/domain/errors) and the edge (server/api, route handlers) maps it; shared rules belong in server/domain.",
  },
  {
    target: "./server/ledger",
    from: "./",
    except: ["./server/ledger", "./server/domain", "./server/db", "./server/generated", "./node_modules"],
    message:
      "The ledger engine depends on nothing above it (only server/domain, server/db and the generated types): jobs, services and the API call the ledger, never the other way round.",
  },
  {
    target: ["./app", "./components", "./lib", "./prisma", "./scripts", "./server/!(services)/**"],
    from: "./server/services/*/!(index).ts",
    message:
      "A capability is used through its entry file: import from \"@/server/services/<capability>\", which names its use cases; the files behind it are its own to rearrange.",
  },
  {
    target: "./",
    from: ["./server/testing/**", "./**/*.testing.ts", "./server/local/*/testing.ts", "./e2e/**"],
    message: "Test helpers are for tests only: production code never imports them, so they never reach the app or its bundle.",
  },
];

/**
 * Server modules that hold secrets, the database or side effects must never reach a browser bundle. A file in
 * these folders starts with `import "server-only"`, which makes `next build` fail on a client import; scripts and
 * tests outside Next load server/outside-next.ts (or vitest's alias) so the marker is a no-op there.
 */
const SERVER_ONLY_FILES = ["server/{api,auth,db,http,integrations,jobs,ledger,outbox,services}/**/*.ts"];
/**
 * Imported by client components, the proxy or next.config.ts (types or pure values), so they can't be marked; and
 * the worker's entry, which runs outside Next and must load server/outside-next.ts before any marker.
 */
const NOT_MARKED = [
  "server/jobs/main.ts",
  "server/api/limits.ts",
  "server/auth/areas.ts",
  "server/auth/cookies.ts",
  "server/auth/request-path.ts",
  "server/auth/session-user.ts",
  "server/auth/sign-in-errors.ts",
  "server/auth/next-auth.d.ts",
];

/** Lines of code (not blank, not comment) above which a server module must say in its header why it is one file. */
const MAX_CODE_LINES = 400;
const SIZE_REASON = "Why one file:";

const tipmeter = {
  rules: {
    "file-size": {
      meta: {
        type: "suggestion",
        schema: [],
        messages: {
          tooLong: `This module has {{lines}} lines of code (over ${MAX_CODE_LINES}): split it by concern, or say in its header comment "${SIZE_REASON} <reason>".`,
        },
      },
      create(context) {
        return {
          Program(program) {
            const source = context.sourceCode;
            const commentLines = new Set();
            for (const comment of source.getAllComments()) {
              for (let line = comment.loc.start.line; line <= comment.loc.end.line; line += 1) commentLines.add(line);
            }
            const tokenLines = new Set();
            for (const token of source.ast.tokens) {
              for (let line = token.loc.start.line; line <= token.loc.end.line; line += 1) tokenLines.add(line);
            }
            const codeLines = source.lines.filter((text, index) => text.trim() !== "" && (tokenLines.has(index + 1) || !commentLines.has(index + 1))).length;
            if (codeLines <= MAX_CODE_LINES) return;
            // The header is every comment above the module's first statement after its imports.
            const firstCode = program.body.find((statement) => statement.type !== "ImportDeclaration");
            const header = source.getAllComments().filter((comment) => !firstCode || comment.range[1] <= firstCode.range[0]);
            if (header.some((comment) => comment.value.includes(SIZE_REASON))) return;
            context.report({ node: program, loc: { line: 1, column: 0 }, messageId: "tooLong", data: { lines: String(codeLines) } });
          },
        };
      },
    },
    "server-only": {
      meta: {
        type: "problem",
        schema: [],
        messages: {
          missing:
            'Server modules start with `import "server-only"`, so a client component that imports one fails the build instead of shipping the server code to the browser.',
        },
      },
      create(context) {
        return {
          Program(program) {
            const marked = program.body.some((statement) => statement.type === "ImportDeclaration" && statement.source.value === "server-only");
            if (!marked) context.report({ node: program, loc: { line: 1, column: 0 }, messageId: "missing" });
          },
        };
      },
    },
  },
};

const HTTP_METHOD = "/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/";
const USE_ROUTE_HANDLER =
  "Route handlers are built with routeHandler() from server/api/route-handler.ts (session, role and error mapping in one place): `export const GET = routeHandler({ who: ... }, async (request, route) => ...)`.";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // One no-restricted-syntax per file: a later block's setting replaces an earlier one's selectors rather than adding
  // to them, so the audit module and the realtime publisher each get the other's selectors only.
  {
    name: "tipmeter/outbox-and-audit-writes",
    files: ["server/**/*.ts", "app/**/*.ts", "scripts/**/*.ts"],
    // Tests and their helpers (server/testing) write what production code must not, such as an event that kills a relay.
    ignores: [AUDIT_MODULE, REALTIME_PUBLISHER, "**/*.test.ts", "server/testing/**"],
    rules: {
      "no-restricted-syntax": ["error", ...NO_RAW_AUDIT_INSERTS, ...NO_HAND_BUILT_REALTIME],
    },
  },
  {
    name: "tipmeter/audit-module",
    files: [AUDIT_MODULE],
    rules: { "no-restricted-syntax": ["error", ...NO_HAND_BUILT_REALTIME] },
  },
  {
    name: "tipmeter/realtime-publisher",
    files: [REALTIME_PUBLISHER],
    rules: { "no-restricted-syntax": ["error", ...NO_RAW_AUDIT_INSERTS] },
  },
  {
    name: "tipmeter/payment-gateway",
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs", "**/*.js"],
    ignores: ["server/integrations/payments/**", "server/local/stripe/**", "**/*.test.ts", "server/testing/**", "e2e/**"],
    rules: { "no-restricted-imports": ["error", paymentGatewayOnly] },
  },
  {
    name: "tipmeter/layers",
    files: ["**/*.ts", "**/*.tsx"],
    ignores: TEST_FILES,
    rules: { "import/no-restricted-paths": ["error", { zones: LAYER_ZONES }] },
  },
  {
    name: "tipmeter/layers-in-tests",
    files: ["server/domain/**/*.test.ts"],
    rules: { "import/no-restricted-paths": ["error", { zones: [DOMAIN_IS_PURE] }] },
  },
  {
    // Only server/ is walked: the rule follows every import, so over the whole tree it would dominate lint time.
    name: "tipmeter/no-cycles",
    files: ["server/**/*.ts"],
    ignores: TEST_FILES,
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    name: "tipmeter/server-only",
    files: SERVER_ONLY_FILES,
    ignores: [...TEST_FILES, ...NOT_MARKED],
    plugins: { tipmeter },
    rules: { "tipmeter/server-only": "error" },
  },
  {
    name: "tipmeter/file-size",
    files: ["server/**/*.ts"],
    ignores: TEST_FILES,
    plugins: { tipmeter },
    rules: { "tipmeter/file-size": "error" },
  },
  {
    name: "tipmeter/route-handlers",
    files: ["app/api/**/route.ts"],
    rules: {
      // One no-restricted-syntax for these files: a later block's setting would replace the audit selectors, not add to them.
      "no-restricted-syntax": [
        "error",
        ...NO_RAW_AUDIT_INSERTS,
        ...NO_HAND_BUILT_REALTIME,
        { selector: "ExportNamedDeclaration > FunctionDeclaration", message: USE_ROUTE_HANDLER },
        { selector: `ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.name=${HTTP_METHOD}]:not([init.callee.name='routeHandler'])`, message: USE_ROUTE_HANDLER },
        { selector: `ExportNamedDeclaration > ExportSpecifier[exported.name=${HTTP_METHOD}]`, message: "Export a route's methods as `export const GET = routeHandler(...)`, so the lint can see each one is built by the helper." },
      ],
    },
  },
  globalIgnores([".next/**", ".data/**", ".tmp/**", "node_modules/**", "server/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
]);
