-- CreateTable
CREATE TABLE "exchange_quotes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "from_wallet_type_id" TEXT NOT NULL,
    "to_wallet_type_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL,
    "result" BIGINT NOT NULL,
    "exchange_rate_id" BIGINT,
    "rate_e8" BIGINT NOT NULL,
    "fee_bps" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "idempotency_key" TEXT,
    "transaction_id" BIGINT,

    CONSTRAINT "exchange_quotes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "exchange_quotes_transaction_id_key" ON "exchange_quotes"("transaction_id");

-- CreateIndex
CREATE INDEX "exchange_quotes_user_id_created_at_idx" ON "exchange_quotes"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_from_wallet_type_id_fkey" FOREIGN KEY ("from_wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_to_wallet_type_id_fkey" FOREIGN KEY ("to_wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_exchange_rate_id_fkey" FOREIGN KEY ("exchange_rate_id") REFERENCES "exchange_rates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A quote is for a positive amount that credits something; once used it names its confirmation key.
ALTER TABLE "exchange_quotes" ADD CONSTRAINT "exchange_quotes_amounts" CHECK (amount > 0 AND fee >= 0 AND fee < amount AND result > 0),
  ADD CONSTRAINT "exchange_quotes_used" CHECK (transaction_id IS NULL OR idempotency_key IS NOT NULL);
