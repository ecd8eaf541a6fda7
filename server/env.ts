import { z } from "zod";
// Relative, not "@/": next.config.ts imports this file before path aliases exist.
import { parseTrustedProxies } from "./domain/client-ip";

/**
 * The whole environment, validated once. A bad or missing variable stops `next build`, `npm run dev` and
 * every script with a message naming it. Defaults describe the embedded local setup (scripts/dev.ts), so a
 * fresh clone needs no configuration; production must name its real services.
 */
export interface EnvMode {
  production: boolean;
  /** `next build`: production code, but no services to reach yet. */
  build: boolean;
}

const currentMode: EnvMode = {
  production: process.env.NODE_ENV === "production",
  // `next build` sets NEXT_PHASE only after loading next.config.ts, which imports this file; its argv says so first.
  build:
    process.env.NEXT_PHASE === "phase-production-build" ||
    (/[\\/]next(\.js)?$/.test(process.argv[1] ?? "") && process.argv[2] === "build"),
};

/** The local stand-ins' secrets: published in this repository, so production must bring its own. */
export const LOCAL_SECRETS = {
  STRIPE_SECRET_KEY: "sk_test_tipmeter_local",
  STRIPE_WEBHOOK_SECRET: "whsec_tipmeter_local",
  PUSHER_SECRET: "tipmeter-secret",
} as const;

/** This machine, however a URL spells it (what the emulator refusal must not let through as "remote"). */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "0.0.0.0" ||
    host === "::" ||
    host === "::1" ||
    /^(0*:)*:?0*1$/.test(host) ||
    /^::ffff:(127\.|0\.0\.0\.0)/.test(host) ||
    /^::ffff:7f/.test(host)
  );
}

const port = z.coerce.number().int().min(1).max(65535);
const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

function schemaFor({ production: isProduction, build: isBuild }: EnvMode) {
  return z
    .object({
      NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
      APP_URL: z.url().default("http://localhost:3000"),
      AUTH_SECRET: isProduction
        ? z.string().min(32, "must be at least 32 characters in production")
        : z.string().min(16).default("tipmeter-local-development-secret"),
      DATABASE_URL: isBuild ? z.string().optional() : z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
      DEMO_MODE: flag.default(false),

      STRIPE_SECRET_KEY: z.string().startsWith("sk_").default(LOCAL_SECRETS.STRIPE_SECRET_KEY),
      STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").default(LOCAL_SECRETS.STRIPE_WEBHOOK_SECRET),
      /** The local emulator by default outside production; unset in production means api.stripe.com. */
      STRIPE_API_URL: isProduction ? z.url().optional() : z.url().default("http://127.0.0.1:12111"),

      PUSHER_APP_ID: z.string().min(1).default("tipmeter"),
      PUSHER_KEY: z.string().min(1).default("tipmeter-key"),
      PUSHER_SECRET: z.string().min(1).default(LOCAL_SECRETS.PUSHER_SECRET),
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

      /**
       * Addresses or CIDR ranges of our own reverse proxies / load balancers, comma- or space-separated. Only
       * hops they appended to X-Forwarded-For are believed; empty (the default) means the socket peer is the
       * client, whatever the header says.
       */
      TRUSTED_PROXIES: z
        .string()
        .default("")
        .transform((text, ctx) => {
          const { ranges, invalid } = parseTrustedProxies(text);
          if (invalid.length > 0) {
            ctx.addIssue({ code: "custom", message: `not an IP address or CIDR range: ${invalid.join(", ")}` });
            return z.NEVER;
          }
          return ranges;
        }),
    })
    .superRefine((value, ctx) => {
      // A build has no services yet, and DEMO_MODE runs the production build on the local stand-ins on purpose.
      if (!isProduction || isBuild || value.DEMO_MODE) return;
      if (value.STRIPE_API_URL !== undefined && isLocalHost(new URL(value.STRIPE_API_URL).hostname)) {
        ctx.addIssue({
          code: "custom",
          path: ["STRIPE_API_URL"],
          message: "points at the local Stripe emulator; production refuses it unless DEMO_MODE=1",
        });
      }
      for (const name of Object.keys(LOCAL_SECRETS) as (keyof typeof LOCAL_SECRETS)[]) {
        if (value[name] === LOCAL_SECRETS[name]) {
          ctx.addIssue({ code: "custom", path: [name], message: "is the local stand-ins' published default; production needs the real secret" });
        }
      }
    });
}

export type Env = z.infer<ReturnType<typeof schemaFor>>;

export function parseEnv(source: Record<string, string | undefined>, mode: EnvMode = currentMode): Env {
  const result = schemaFor(mode).safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);
