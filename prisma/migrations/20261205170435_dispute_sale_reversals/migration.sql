-- CreateTable
CREATE TABLE "dispute_sale_reversals" (
    "id" BIGSERIAL NOT NULL,
    "dispute_id" TEXT NOT NULL,
    "purchase_id" UUID NOT NULL,
    "sale_transaction_id" BIGINT NOT NULL,
    "performer_id" UUID,
    "lot_id" BIGINT,
    "taken" BIGINT NOT NULL,
    "from_pending" BIGINT NOT NULL,
    "platform_commission" BIGINT NOT NULL,
    "platform_matured" BIGINT NOT NULL,
    "restored_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dispute_sale_reversals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dispute_sale_reversals_sale_transaction_id_idx" ON "dispute_sale_reversals"("sale_transaction_id");

-- CreateIndex
CREATE UNIQUE INDEX "dispute_sale_reversals_dispute_id_sale_transaction_id_key" ON "dispute_sale_reversals"("dispute_id", "sale_transaction_id");
