import { startStripeEmulator } from "./server";

/** `npm run local:stripe`: the emulator on its own, configured from the environment. */
async function main() {
  const port = Number(process.env.PORT ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Stripe emulator: PORT must be a port number, got "${process.env.PORT}"`);
  const webhookUrl = process.env.STRIPE_WEBHOOK_URL || undefined;
  const emulator = await startStripeEmulator({
    port,
    webhookUrl,
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || "whsec_tipmeter_local",
    apiKey: process.env.STRIPE_SECRET_KEY || "sk_test_tipmeter_local",
    log: (line) => console.log(`[stripe emulator] ${line}`),
  });
  console.log(`Stripe emulator listening on ${emulator.url}`);
  console.log(webhookUrl ? `  webhooks -> ${webhookUrl}` : "  no STRIPE_WEBHOOK_URL set: events are only stored (GET /v1/events)");

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Stripe emulator: ${signal} received, stopping`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
