import path from "node:path";
import { APP_DATABASE, PostgresPortInUseError, postgresUrl, startEmbeddedPostgres } from "@/server/db/embedded";

const repoRoot = path.resolve(__dirname, "..");
const DEV_DATA_DIR = path.join(repoRoot, ".data", "postgres");
const DEV_PORT = 54320;

export interface Database {
  url: string;
  release(): Promise<void>;
}

/**
 * The database a maintenance command works on: DATABASE_URL when set, else the dev database (the embedded
 * PostgreSQL in .data/postgres, started for the command, or the one `npm run dev` is already running).
 */
export async function devDatabase(): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, release: async () => {} };
  try {
    const server = await startEmbeddedPostgres({ dataDir: DEV_DATA_DIR, port: DEV_PORT });
    return { url: server.url, release: server.stop };
  } catch (error) {
    if (!(error instanceof PostgresPortInUseError)) throw error;
    console.error(`Port ${DEV_PORT} is taken; assuming it is the dev PostgreSQL of \`npm run dev\` and using it.`);
    return { url: postgresUrl(DEV_PORT, APP_DATABASE), release: async () => {} };
  }
}

