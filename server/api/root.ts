import "server-only";
import { adminRouter } from "@/server/api/routers/admin";
import { auditRouter } from "@/server/api/routers/audit";
import { authRouter } from "@/server/api/routers/auth";
import { commissionsRouter } from "@/server/api/routers/commissions";
import { contentRouter } from "@/server/api/routers/content";
import { earningsRouter } from "@/server/api/routers/earnings";
import { exchangeRouter } from "@/server/api/routers/exchange";
import { tabsRouter } from "@/server/api/routers/tabs";
import { ledgerRouter } from "@/server/api/routers/ledger";
import { adminWalletsRouter } from "@/server/api/routers/admin-wallets";
import { membershipsRouter } from "@/server/api/routers/memberships";
import { outboxRouter } from "@/server/api/routers/outbox";
import { paymentRequestsRouter } from "@/server/api/routers/payment-requests";
import { payoutsRouter } from "@/server/api/routers/payouts";
import { performersRouter } from "@/server/api/routers/performers";
import { revenueRouter } from "@/server/api/routers/revenue";
import { roomsRouter } from "@/server/api/routers/rooms";
import { settingsRouter } from "@/server/api/routers/settings";
import { showsRouter } from "@/server/api/routers/shows";
import { spendingRouter } from "@/server/api/routers/spending";
import { storeRouter } from "@/server/api/routers/store";
import { tipsRouter } from "@/server/api/routers/tips";
import { transfersRouter } from "@/server/api/routers/transfers";
import { walletRouter } from "@/server/api/routers/wallet";
import { walletPreferencesRouter } from "@/server/api/routers/wallet-preferences";
import { createTRPCRouter } from "@/server/api/trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  performers: performersRouter,
  admin: adminRouter,
  audit: auditRouter,
  wallet: walletRouter,
  ledger: ledgerRouter,
  adminWallets: adminWalletsRouter,
  commissions: commissionsRouter,
  tips: tipsRouter,
  store: storeRouter,
  content: contentRouter,
  memberships: membershipsRouter,
  transfers: transfersRouter,
  earnings: earningsRouter,
  settings: settingsRouter,
  rooms: roomsRouter,
  shows: showsRouter,
  payouts: payoutsRouter,
  outbox: outboxRouter,
  spending: spendingRouter,
  walletPreferences: walletPreferencesRouter,
  exchange: exchangeRouter,
  tabs: tabsRouter,
  revenue: revenueRouter,
  paymentRequests: paymentRequestsRouter,
});

export type AppRouter = typeof appRouter;
