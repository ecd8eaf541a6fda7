-- Every transfer so far left the sender's Credits wallet, so the default is the truth for existing rows.
-- AlterTable
ALTER TABLE "transfers" ADD COLUMN     "source_wallet_type_id" TEXT NOT NULL DEFAULT 'credits';

-- AddForeignKey
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_source_wallet_type_id_fkey" FOREIGN KEY ("source_wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
