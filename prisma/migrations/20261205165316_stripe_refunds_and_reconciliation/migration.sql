-- AlterEnum
ALTER TYPE "WithdrawalStatus" ADD VALUE 'NEEDS_RECONCILIATION';

-- AlterTable
ALTER TABLE "store_orders" ADD COLUMN     "card_refunded_minor" BIGINT NOT NULL DEFAULT 0;
