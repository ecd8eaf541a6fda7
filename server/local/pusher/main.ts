/**
 * `npm run local:pusher`: the local Pusher-protocol server on its own. Reads PORT (6001), PUSHER_APP_ID,
 * PUSHER_KEY, PUSHER_SECRET (the same defaults as server/env.ts) and PUSHER_WEBHOOK_URL. It does not import
 * server/env.ts, which would demand a DATABASE_URL this process has no use for.
 */
import { startPusherServer } from "./server";

function portFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${value}'`);
  return port;
}

async function main(): Promise<void> {
  const appId = process.env.PUSHER_APP_ID || "tipmeter";
  const key = process.env.PUSHER_KEY || "tipmeter-key";
  const webhookUrl = process.env.PUSHER_WEBHOOK_URL || undefined;
  const server = await startPusherServer({
    port: portFrom(process.env.PORT, 6001),
    appId,
    key,
    secret: process.env.PUSHER_SECRET || "tipmeter-secret",
    webhookUrl,
  });
  const wsUrl = server.url.replace(/^http/, "ws");
  console.log(`Pusher server listening on ${server.url} (app id ${appId}, key ${key})`);
  console.log(`  WebSocket: ${wsUrl}/app/${key}   HTTP API: ${server.url}/apps/${appId}`);
  console.log(`  Webhooks: ${webhookUrl ?? "off (set PUSHER_WEBHOOK_URL)"}`);

  const stop = (signal: NodeJS.Signals) => {
    console.log(`Pusher server stopping (${signal})`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
