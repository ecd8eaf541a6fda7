-- One row per card payment behind a performer's sale: what the processor kept for processing it, read from the
-- payment's balance transaction by the revenue.processor-fees job (server/services/revenue).
CREATE TABLE "processor_fees" (
    "gateway" TEXT NOT NULL,
    "payment_id" TEXT NOT NULL,
    "performer_id" UUID,
    "transaction_id" BIGINT NOT NULL,
    "paid_at" TIMESTAMPTZ(6) NOT NULL,
    "fee_minor" BIGINT NOT NULL,
    "currency" VARCHAR(8) NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processor_fees_pkey" PRIMARY KEY ("gateway","payment_id"),
    CONSTRAINT "processor_fees_fee_minor_check" CHECK ("fee_minor" >= 0)
);

CREATE INDEX "processor_fees_performer_id_paid_at_idx" ON "processor_fees"("performer_id", "paid_at");

-- The job's search for card payments without a fee row: only postings that name a card payment, which are few
-- beside the tips and show charges, so the scan reads this index rather than the whole ledger.
CREATE INDEX "ledger_transactions_card_payment_idx" ON "ledger_transactions"("id") WHERE "metadata" ? 'cardPaymentId';
