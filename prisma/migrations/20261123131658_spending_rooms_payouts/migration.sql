-- CreateEnum
CREATE TYPE "ContentKind" AS ENUM ('VIDEO', 'PICTURES', 'POST', 'ROOM_ACCESS');

-- CreateEnum
CREATE TYPE "ContentStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "ContentFileRole" AS ENUM ('TEASER', 'PROTECTED');

-- CreateEnum
CREATE TYPE "MembershipStatus" AS ENUM ('ACTIVE', 'GRACE', 'CANCELLED', 'LAPSED');

-- CreateEnum
CREATE TYPE "StoreItemKind" AS ENUM ('PHYSICAL', 'DIGITAL');

-- CreateEnum
CREATE TYPE "StoreOrderStatus" AS ENUM ('AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RoomAccess" AS ENUM ('PUBLIC', 'MEMBERSHIP', 'PAID');

-- CreateEnum
CREATE TYPE "MeterControl" AS ENUM ('AUTOMATIC', 'PERFORMER_STARTS', 'PERFORMER_CONTROLS');

-- CreateEnum
CREATE TYPE "RoomRestrictionKind" AS ENUM ('MUTED', 'REMOVED');

-- CreateEnum
CREATE TYPE "ShowKind" AS ENUM ('PRIVATE', 'GROUP');

-- CreateEnum
CREATE TYPE "ShowStatus" AS ENUM ('REQUESTED', 'DECLINED', 'LIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "ParticipantStatus" AS ENUM ('ACTIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "PayoutMethod" AS ENUM ('PAYPAL', 'BANK_TRANSFER', 'STRIPE_CONNECT');

-- CreateEnum
CREATE TYPE "WithdrawalStatus" AS ENUM ('REQUESTED', 'APPROVED', 'PROCESSING', 'PAID', 'REJECTED', 'CANCELLED', 'FAILED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TransactionKind" ADD VALUE 'CONTENT_UNLOCK';
ALTER TYPE "TransactionKind" ADD VALUE 'MEMBERSHIP_CHARGE';
ALTER TYPE "TransactionKind" ADD VALUE 'STORE_SALE';
ALTER TYPE "TransactionKind" ADD VALUE 'STORE_HOLD';
ALTER TYPE "TransactionKind" ADD VALUE 'SALE_REFUND';
ALTER TYPE "TransactionKind" ADD VALUE 'TRANSFER';
ALTER TYPE "TransactionKind" ADD VALUE 'EARNINGS_MATURED';
ALTER TYPE "TransactionKind" ADD VALUE 'SHOW_HOLD';
ALTER TYPE "TransactionKind" ADD VALUE 'SHOW_CHARGE';
ALTER TYPE "TransactionKind" ADD VALUE 'WITHDRAWAL_HOLD';
ALTER TYPE "TransactionKind" ADD VALUE 'WITHDRAWAL_PAID';

-- CreateTable
CREATE TABLE "platform_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "earnings_lots" (
    "id" BIGSERIAL NOT NULL,
    "performer_id" UUID NOT NULL,
    "sale_kind" "SaleKind" NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "amount" BIGINT NOT NULL,
    "remaining" BIGINT NOT NULL,
    "matures_at" TIMESTAMPTZ(6) NOT NULL,
    "matured_at" TIMESTAMPTZ(6),
    "matured_transaction_id" BIGINT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "earnings_lots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_items" (
    "id" UUID NOT NULL,
    "performer_id" UUID NOT NULL,
    "kind" "ContentKind" NOT NULL,
    "status" "ContentStatus" NOT NULL DEFAULT 'DRAFT',
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "teaser" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL DEFAULT '',
    "price" BIGINT NOT NULL,
    "plan_id" UUID,
    "members_only" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_files" (
    "id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "role" "ContentFileRole" NOT NULL,
    "storage_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "content_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_unlocks" (
    "id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "price" BIGINT NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "content_unlocks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership_plans" (
    "id" UUID NOT NULL,
    "performer_id" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "perks" TEXT NOT NULL DEFAULT '',
    "price" BIGINT NOT NULL,
    "period_days" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "membership_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "status" "MembershipStatus" NOT NULL,
    "current_period_start" TIMESTAMPTZ(6) NOT NULL,
    "current_period_end" TIMESTAMPTZ(6) NOT NULL,
    "grace_until" TIMESTAMPTZ(6),
    "cancelled_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership_charges" (
    "id" BIGSERIAL NOT NULL,
    "membership_id" UUID NOT NULL,
    "period_start" TIMESTAMPTZ(6) NOT NULL,
    "period_end" TIMESTAMPTZ(6) NOT NULL,
    "price" BIGINT NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "membership_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "store_items" (
    "id" UUID NOT NULL,
    "seller_id" UUID,
    "kind" "StoreItemKind" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "price" BIGINT NOT NULL,
    "stock" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "storage_key" TEXT,
    "file_name" TEXT,
    "mime_type" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "store_orders" (
    "id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID,
    "quantity" INTEGER NOT NULL,
    "unit_price" BIGINT NOT NULL,
    "total" BIGINT NOT NULL,
    "wallet_part" BIGINT NOT NULL,
    "card_part" BIGINT NOT NULL DEFAULT 0,
    "card_amount_minor" BIGINT NOT NULL DEFAULT 0,
    "currency" VARCHAR(3),
    "status" "StoreOrderStatus" NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "shipping_address" JSONB,
    "tracking_note" TEXT,
    "stripe_checkout_session_id" TEXT,
    "stripe_payment_intent_id" TEXT,
    "hold_transaction_id" BIGINT,
    "sale_transaction_id" BIGINT,
    "refund_transaction_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "store_order_events" (
    "id" BIGSERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "status" "StoreOrderStatus" NOT NULL,
    "actor_id" UUID,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "store_order_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transfers" (
    "id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "recipient_id" UUID NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL DEFAULT 0,
    "note" TEXT,
    "transaction_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rooms" (
    "performer_id" UUID NOT NULL,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "online_since" TIMESTAMPTZ(6),
    "access" "RoomAccess" NOT NULL DEFAULT 'PUBLIC',
    "required_plan_id" UUID,
    "access_item_id" UUID,
    "meter_control" "MeterControl" NOT NULL DEFAULT 'AUTOMATIC',
    "private_price_per_minute" BIGINT,
    "group_price_per_minute" BIGINT,
    "free_seconds" INTEGER,
    "minimum_minutes" INTEGER,
    "increment_seconds" INTEGER,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rooms_pkey" PRIMARY KEY ("performer_id")
);

-- CreateTable
CREATE TABLE "room_restrictions" (
    "id" BIGSERIAL NOT NULL,
    "performer_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "kind" "RoomRestrictionKind" NOT NULL,
    "until" TIMESTAMPTZ(6),
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "room_restrictions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "room_messages" (
    "id" BIGSERIAL NOT NULL,
    "performer_id" UUID NOT NULL,
    "sender_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "room_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shows" (
    "id" UUID NOT NULL,
    "performer_id" UUID NOT NULL,
    "kind" "ShowKind" NOT NULL,
    "status" "ShowStatus" NOT NULL,
    "requested_by_id" UUID,
    "price_per_minute" BIGINT NOT NULL,
    "free_seconds" INTEGER NOT NULL,
    "minimum_minutes" INTEGER NOT NULL,
    "increment_seconds" INTEGER NOT NULL,
    "min_members" INTEGER,
    "meter_control" "MeterControl" NOT NULL,
    "settle_threshold" BIGINT NOT NULL,
    "performer_seen_at" TIMESTAMPTZ(6),
    "performer_paused" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "ended_at" TIMESTAMPTZ(6),
    "end_reason" TEXT,

    CONSTRAINT "shows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "show_participants" (
    "id" UUID NOT NULL,
    "show_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "status" "ParticipantStatus" NOT NULL,
    "joined_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "metered_seconds" INTEGER NOT NULL DEFAULT 0,
    "running_since" TIMESTAMPTZ(6),
    "member_seen_at" TIMESTAMPTZ(6),
    "held" BIGINT NOT NULL DEFAULT 0,
    "settled" BIGINT NOT NULL DEFAULT 0,
    "low_balance_at" TIMESTAMPTZ(6),
    "ended_at" TIMESTAMPTZ(6),
    "end_reason" TEXT,

    CONSTRAINT "show_participants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_fields" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'text',
    "required" BOOLEAN NOT NULL DEFAULT true,
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "methods" "PayoutMethod"[],
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_fields_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_profiles" (
    "performer_id" UUID NOT NULL,
    "method" "PayoutMethod" NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "stripe_account_id" TEXT,
    "method_changed_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payout_profiles_pkey" PRIMARY KEY ("performer_id")
);

-- CreateTable
CREATE TABLE "payout_rates" (
    "currency" VARCHAR(3) NOT NULL,
    "credits" BIGINT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_rates_pkey" PRIMARY KEY ("currency")
);

-- CreateTable
CREATE TABLE "payout_method_fees" (
    "method" "PayoutMethod" NOT NULL,
    "fixed_minor" BIGINT NOT NULL DEFAULT 0,
    "percent_bps" INTEGER NOT NULL DEFAULT 0,
    "min_credits" BIGINT NOT NULL,
    "max_credits" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_method_fees_pkey" PRIMARY KEY ("method")
);

-- CreateTable
CREATE TABLE "withdrawals" (
    "id" UUID NOT NULL,
    "performer_id" UUID NOT NULL,
    "credits" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "gross_minor" BIGINT NOT NULL,
    "fee_minor" BIGINT NOT NULL,
    "net_minor" BIGINT NOT NULL,
    "method" "PayoutMethod" NOT NULL,
    "payout_details" JSONB NOT NULL,
    "status" "WithdrawalStatus" NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "hold_transaction_id" BIGINT NOT NULL,
    "settle_transaction_id" BIGINT,
    "release_transaction_id" BIGINT,
    "reference" TEXT,
    "reason" TEXT,
    "stripe_transfer_id" TEXT,
    "stripe_payout_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "withdrawals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "withdrawal_events" (
    "id" BIGSERIAL NOT NULL,
    "withdrawal_id" UUID NOT NULL,
    "from_status" "WithdrawalStatus",
    "to_status" "WithdrawalStatus" NOT NULL,
    "actor_id" UUID,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "withdrawal_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "earnings_lots_matures_at_idx" ON "earnings_lots"("matures_at");

-- CreateIndex
CREATE INDEX "earnings_lots_performer_id_matures_at_idx" ON "earnings_lots"("performer_id", "matures_at");

-- CreateIndex
CREATE UNIQUE INDEX "earnings_lots_transaction_id_performer_id_key" ON "earnings_lots"("transaction_id", "performer_id");

-- CreateIndex
CREATE INDEX "content_items_performer_id_status_created_at_idx" ON "content_items"("performer_id", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "content_files_storage_key_key" ON "content_files"("storage_key");

-- CreateIndex
CREATE INDEX "content_files_item_id_role_sort_order_idx" ON "content_files"("item_id", "role", "sort_order");

-- CreateIndex
CREATE INDEX "content_unlocks_member_id_created_at_idx" ON "content_unlocks"("member_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "content_unlocks_item_id_member_id_key" ON "content_unlocks"("item_id", "member_id");

-- CreateIndex
CREATE INDEX "membership_plans_performer_id_active_idx" ON "membership_plans"("performer_id", "active");

-- CreateIndex
CREATE INDEX "memberships_status_current_period_end_idx" ON "memberships"("status", "current_period_end");

-- CreateIndex
CREATE INDEX "memberships_member_id_idx" ON "memberships"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_plan_id_member_id_key" ON "memberships"("plan_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "membership_charges_membership_id_period_start_key" ON "membership_charges"("membership_id", "period_start");

-- CreateIndex
CREATE INDEX "store_items_seller_id_active_idx" ON "store_items"("seller_id", "active");

-- CreateIndex
CREATE UNIQUE INDEX "store_orders_stripe_checkout_session_id_key" ON "store_orders"("stripe_checkout_session_id");

-- CreateIndex
CREATE UNIQUE INDEX "store_orders_stripe_payment_intent_id_key" ON "store_orders"("stripe_payment_intent_id");

-- CreateIndex
CREATE INDEX "store_orders_buyer_id_created_at_idx" ON "store_orders"("buyer_id", "created_at");

-- CreateIndex
CREATE INDEX "store_orders_seller_id_created_at_idx" ON "store_orders"("seller_id", "created_at");

-- CreateIndex
CREATE INDEX "store_orders_status_created_at_idx" ON "store_orders"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "store_orders_buyer_id_idempotency_key_key" ON "store_orders"("buyer_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "store_order_events_order_id_created_at_idx" ON "store_order_events"("order_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "transfers_transaction_id_key" ON "transfers"("transaction_id");

-- CreateIndex
CREATE INDEX "transfers_sender_id_created_at_idx" ON "transfers"("sender_id", "created_at");

-- CreateIndex
CREATE INDEX "transfers_recipient_id_created_at_idx" ON "transfers"("recipient_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "room_restrictions_performer_id_member_id_kind_key" ON "room_restrictions"("performer_id", "member_id", "kind");

-- CreateIndex
CREATE INDEX "room_messages_performer_id_id_idx" ON "room_messages"("performer_id", "id");

-- CreateIndex
CREATE INDEX "shows_performer_id_created_at_idx" ON "shows"("performer_id", "created_at");

-- CreateIndex
CREATE INDEX "shows_status_idx" ON "shows"("status");

-- CreateIndex
CREATE INDEX "show_participants_member_id_joined_at_idx" ON "show_participants"("member_id", "joined_at");

-- CreateIndex
CREATE INDEX "show_participants_status_idx" ON "show_participants"("status");

-- CreateIndex
CREATE UNIQUE INDEX "show_participants_show_id_member_id_key" ON "show_participants"("show_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_fields_key_key" ON "payout_fields"("key");

-- CreateIndex
CREATE INDEX "withdrawals_status_created_at_idx" ON "withdrawals"("status", "created_at");

-- CreateIndex
CREATE INDEX "withdrawals_performer_id_created_at_idx" ON "withdrawals"("performer_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "withdrawals_performer_id_idempotency_key_key" ON "withdrawals"("performer_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "withdrawal_events_withdrawal_id_created_at_idx" ON "withdrawal_events"("withdrawal_id", "created_at");

-- AddForeignKey
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "membership_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_files" ADD CONSTRAINT "content_files_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "content_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_unlocks" ADD CONSTRAINT "content_unlocks_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "content_items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "membership_plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership_charges" ADD CONSTRAINT "membership_charges_membership_id_fkey" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "store_orders" ADD CONSTRAINT "store_orders_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "store_items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "store_order_events" ADD CONSTRAINT "store_order_events_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "store_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "show_participants" ADD CONSTRAINT "show_participants_show_id_fkey" FOREIGN KEY ("show_id") REFERENCES "shows"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "withdrawal_events" ADD CONSTRAINT "withdrawal_events_withdrawal_id_fkey" FOREIGN KEY ("withdrawal_id") REFERENCES "withdrawals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Guards Prisma cannot express. Stock is decremented with `WHERE stock >= quantity` in the same statement; the
-- checks are the last line of defence against a bug elsewhere.
ALTER TABLE "store_items" ADD CONSTRAINT "store_items_stock_nonnegative" CHECK ("stock" IS NULL OR "stock" >= 0);
ALTER TABLE "store_items" ADD CONSTRAINT "store_items_price_positive" CHECK ("price" > 0);
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_price_positive" CHECK ("price" > 0);
ALTER TABLE "membership_plans" ADD CONSTRAINT "membership_plans_price_positive" CHECK ("price" > 0 AND "period_days" > 0);
ALTER TABLE "earnings_lots" ADD CONSTRAINT "earnings_lots_remaining_in_range" CHECK ("remaining" >= 0 AND "remaining" <= "amount");
ALTER TABLE "store_orders" ADD CONSTRAINT "store_orders_parts_sum" CHECK ("wallet_part" >= 0 AND "card_part" >= 0 AND "wallet_part" + "card_part" = "total");
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_positive" CHECK ("amount" > 0 AND "fee" >= 0 AND "sender_id" <> "recipient_id");
ALTER TABLE "show_participants" ADD CONSTRAINT "show_participants_nonnegative" CHECK ("held" >= 0 AND "settled" >= 0 AND "metered_seconds" >= 0);
ALTER TABLE "withdrawals" ADD CONSTRAINT "withdrawals_amounts" CHECK ("credits" > 0 AND "fee_minor" >= 0 AND "net_minor" > 0 AND "gross_minor" = "fee_minor" + "net_minor");
