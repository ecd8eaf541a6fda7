import "@/server/outside-next";
import { startStack } from "./stack";

// `npm run dev`: everything on embedded defaults, demo data on first run, data kept in .data/ between runs.
void startStack({ mode: "dev" });
