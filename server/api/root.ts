import { adminRouter } from "@/server/api/routers/admin";
import { authRouter } from "@/server/api/routers/auth";
import { commissionsRouter } from "@/server/api/routers/commissions";
import { ledgerRouter } from "@/server/api/routers/ledger";
import { performersRouter } from "@/server/api/routers/performers";
import { tipsRouter } from "@/server/api/routers/tips";
import { walletRouter } from "@/server/api/routers/wallet";
import { createTRPCRouter } from "@/server/api/trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  performers: performersRouter,
  admin: adminRouter,
  wallet: walletRouter,
  ledger: ledgerRouter,
  commissions: commissionsRouter,
  tips: tipsRouter,
});

export type AppRouter = typeof appRouter;
