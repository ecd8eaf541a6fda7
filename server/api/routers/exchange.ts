import "server-only";
import { adminProcedure, createTRPCRouter, memberProcedure } from "@/server/api/trpc";
import { addExchangeRateSchema, confirmExchangeInputSchema, exchangeQuoteInputSchema } from "@/server/domain/exchange";
import { addExchangeRate, confirmWalletExchange, exchangeWallets, listExchangeCurrencies, listExchangeRates, quoteWalletExchange } from "@/server/services/wallet";

/** Exchanges between the signed-in user's own wallets, and the admins' exchange-rate schedule. */
export const exchangeRouter = createTRPCRouter({
  wallets: memberProcedure.query(({ ctx }) => exchangeWallets(ctx.user.id)),

  /** Stores a quote (a mutation: it writes the quote the member may confirm). */
  quote: memberProcedure.input(exchangeQuoteInputSchema).mutation(({ ctx, input }) => quoteWalletExchange(ctx.user.id, input)),

  confirm: memberProcedure.input(confirmExchangeInputSchema).mutation(({ ctx, input }) => confirmWalletExchange(ctx.user.id, input)),

  rates: adminProcedure.query(() => listExchangeRates()),

  currencies: adminProcedure.query(() => listExchangeCurrencies()),

  addRate: adminProcedure.input(addExchangeRateSchema).mutation(({ ctx, input }) => addExchangeRate(ctx.user.id, input)),
});
