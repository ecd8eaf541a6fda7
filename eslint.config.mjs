import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const rawAuditInsert = "Write audit rows with recordAudit from server/services/audit/record.ts, the one audit module.";

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
  globalIgnores([".next/**", ".data/**", ".tmp/**", "node_modules/**", "server/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
]);
