-- Spending from a chosen wallet (issue 13): each unlock, membership and store order remembers the wallet that paid,
-- so refunds, hold releases and renewals go through it. Everything paid before came from Credits, hence the default.

-- AlterTable
ALTER TABLE "content_unlocks" ADD COLUMN     "wallet_type_id" TEXT NOT NULL DEFAULT 'credits';

-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "wallet_type_id" TEXT NOT NULL DEFAULT 'credits';

-- AlterTable
ALTER TABLE "store_orders" ADD COLUMN     "wallet_type_id" TEXT NOT NULL DEFAULT 'credits';

-- AddForeignKey
ALTER TABLE "content_unlocks" ADD CONSTRAINT "content_unlocks_wallet_type_id_fkey" FOREIGN KEY ("wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_wallet_type_id_fkey" FOREIGN KEY ("wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "store_orders" ADD CONSTRAINT "store_orders_wallet_type_id_fkey" FOREIGN KEY ("wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
