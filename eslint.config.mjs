import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const rawAuditInsert = "Write audit rows with recordAudit from server/services/audit/record.ts, the one audit module.";
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

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["server/**/*.ts", "app/**/*.ts", "scripts/**/*.ts"],
    ignores: ["server/services/audit/record.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "TemplateElement[value.raw=/INSERT\\s+INTO\\s+audit_log/i]", message: rawAuditInsert },
        { selector: "Literal[value=/INSERT\\s+INTO\\s+audit_log/i]", message: rawAuditInsert },
        { selector: "CallExpression[callee.object.property.name='auditLog'][callee.property.name=/^(create|createMany|upsert)$/]", message: rawAuditInsert },
      ],
    },
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs", "**/*.js"],
    ignores: ["server/integrations/payments/**", "server/local/stripe/**", "**/*.test.ts", "server/testing/**", "e2e/**"],
    rules: { "no-restricted-imports": ["error", paymentGatewayOnly] },
  },
  globalIgnores([".next/**", ".data/**", ".tmp/**", "node_modules/**", "server/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
]);
