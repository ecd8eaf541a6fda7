import "@/server/outside-next";
import { startStack } from "./stack";

// Playwright's webServer: a fresh database, local stand-ins only, `next start` on the existing build, port 3100.
void startStack({ mode: "e2e" });
