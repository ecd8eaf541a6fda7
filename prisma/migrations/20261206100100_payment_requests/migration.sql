-- CreateEnum
CREATE TYPE "PaymentRequestType" AS ENUM ('SERVICE', 'GOODS');

-- CreateEnum
CREATE TYPE "PaymentRequestStatus" AS ENUM ('PENDING', 'PAID', 'DECLINED', 'EXPIRED');

-- CreateTable
CREATE TABLE "payment_requests" (
    "id" UUID NOT NULL,
    "performer_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "type" "PaymentRequestType" NOT NULL,
    "description" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "status" "PaymentRequestStatus" NOT NULL DEFAULT 'PENDING',
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "paid_wallet_type_id" TEXT,
    "sale_transaction_id" BIGINT,
    "card_amount_minor" BIGINT,
    "currency" VARCHAR(3),
    "stripe_checkout_session_id" TEXT,
    "stripe_payment_intent_id" TEXT,
    "late_refunded_at" TIMESTAMPTZ(3),
    "service_started_at" TIMESTAMPTZ(3),
    "service_finished_at" TIMESTAMPTZ(3),
    "shipping_address" JSONB,

    CONSTRAINT "payment_requests_pkey" PRIMARY KEY ("id"),
    -- The rules of server/domain/payment-requests.ts, kept by the table too.
    CONSTRAINT "payment_requests_amount_positive" CHECK ("amount" > 0),
    CONSTRAINT "payment_requests_paid_has_sale" CHECK (("status" = 'PAID') = ("sale_transaction_id" IS NOT NULL)),
    CONSTRAINT "payment_requests_not_to_self" CHECK ("performer_id" <> "member_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payment_requests_sale_transaction_id_key" ON "payment_requests"("sale_transaction_id");
CREATE UNIQUE INDEX "payment_requests_stripe_checkout_session_id_key" ON "payment_requests"("stripe_checkout_session_id");
CREATE UNIQUE INDEX "payment_requests_stripe_payment_intent_id_key" ON "payment_requests"("stripe_payment_intent_id");
CREATE INDEX "payment_requests_performer_id_created_at_idx" ON "payment_requests"("performer_id", "created_at");
CREATE INDEX "payment_requests_member_id_created_at_idx" ON "payment_requests"("member_id", "created_at");
CREATE INDEX "payment_requests_status_expires_at_idx" ON "payment_requests"("status", "expires_at");
CREATE UNIQUE INDEX "payment_requests_performer_id_idempotency_key_key" ON "payment_requests"("performer_id", "idempotency_key");

-- The default platform fee per type (10% for services, 4% for goods), from now, on a schedule already in use; an
-- empty schedule is filled by the seed with every kind's default.
INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from)
SELECT v.kind::"SaleKind", NULL, v.bps, now()
  FROM (VALUES ('PAYMENT_REQUEST_SERVICE', 9000), ('PAYMENT_REQUEST_GOODS', 9600)) AS v(kind, bps)
 WHERE EXISTS (SELECT 1 FROM commission_rates);

-- A hold set for the renamed kind keeps applying to it.
UPDATE platform_settings
   SET value = jsonb_set(value #- '{byKind,PAYMENT_REQUEST}', '{byKind,PAYMENT_REQUEST_SERVICE}', value #> '{byKind,PAYMENT_REQUEST}')
 WHERE key = 'earningsHold' AND value #> '{byKind,PAYMENT_REQUEST}' IS NOT NULL;
