import path from "node:path";
import { defineConfig } from "prisma/config";

// Offline machines cannot download the native schema engine; generate never needs it.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "prisma", "engine-stub", "schema-engine");

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
});
