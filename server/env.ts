import { z } from "zod";

/**
 * The whole environment, validated once. A bad or missing variable stops `next build`, `npm run dev` and
 * every script with a message naming it. Defaults describe the embedded local setup (scripts/dev.ts), so a
 * fresh clone needs no configuration; production must name its real services.
 */
const isProduction = process.env.NODE_ENV === "production";
// `next build` sets NEXT_PHASE only after loading next.config.ts, which imports this file; its argv says so first.
const isBuild =
  process.env.NEXT_PHASE === "phase-production-build" ||
  (/[\\/]next(\.js)?$/.test(process.argv[1] ?? "") && process.argv[2] === "build");

const port = z.coerce.number().int().min(1).max(65535);
const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    APP_URL: z.url().default("http://localhost:3000"),
    AUTH_SECRET: isProduction
      ? z.string().min(32, "must be at least 32 characters in production")
      : z.string().min(16).default("tipmeter-local-development-secret"),
    DATABASE_URL: isBuild ? z.string().optional() : z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
    DEMO_MODE: flag.default(false),

    STRIPE_SECRET_KEY: z.string().startsWith("sk_").default("sk_test_tipmeter_local"),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").default("whsec_tipmeter_local"),
    /** The local emulator by default outside production; unset in production means api.stripe.com. */
    STRIPE_API_URL: isProduction ? z.url().optional() : z.url().default("http://127.0.0.1:12111"),

    PUSHER_APP_ID: z.string().min(1).default("tipmeter"),
    PUSHER_KEY: z.string().min(1).default("tipmeter-key"),
    PUSHER_SECRET: z.string().min(1).default("tipmeter-secret"),
    PUSHER_CLUSTER: z.string().min(1).default("local"),
    /**
     * Host and port of a Pusher-protocol server (the local one, soketi): the local one by default outside
     * production; unset in production means hosted Pusher.
     */
    PUSHER_HOST: isProduction ? z.string().optional() : z.string().default("127.0.0.1"),
    PUSHER_PORT: isProduction ? port.optional() : port.default(6001),
    PUSHER_USE_TLS: flag.default(false),

    SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").default("smtp://127.0.0.1:1025"),
    MAIL_FROM: z.string().min(3).default("Tipmeter <no-reply@tipmeter.test>"),
    /** The local mail sink's HTTP API, read by tests and the dev inbox page. */
    MAIL_SINK_URL: z.url().optional(),

    /** Where uploaded files (protected content, teasers, digital goods) live on local disk. */
    STORAGE_DIR: z.string().min(1).default(".data/uploads"),
    /** The largest upload accepted, in bytes (default 200 MiB). */
    MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(200 * 1024 * 1024),
  })
  .superRefine((value, ctx) => {
    const usesEmulator = value.STRIPE_API_URL !== undefined && /127\.0\.0\.1|localhost/.test(value.STRIPE_API_URL);
    if (isProduction && !isBuild && usesEmulator && !value.DEMO_MODE) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_API_URL"],
        message: "points at the local Stripe emulator; production refuses it unless DEMO_MODE=1",
      });
    }
  });

export type Env = z.infer<typeof schema>;

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);
