-- CreateEnum
CREATE TYPE "SaleKind" AS ENUM ('TIP', 'PRIVATE_SHOW', 'GROUP_SHOW', 'CONTENT', 'MEMBERSHIP', 'STORE', 'PAYMENT_REQUEST');

-- CreateTable
CREATE TABLE "commission_rates" (
    "id" BIGSERIAL NOT NULL,
    "kind" "SaleKind" NOT NULL,
    "performer_id" UUID,
    "performer_share_bps" INTEGER NOT NULL,
    "effective_from" TIMESTAMPTZ(6) NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commission_rates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "commission_rates_kind_performer_id_effective_from_idx" ON "commission_rates"("kind", "performer_id", "effective_from");

-- AddForeignKey
ALTER TABLE "commission_rates" ADD CONSTRAINT "commission_rates_performer_id_fkey" FOREIGN KEY ("performer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
