-- CreateEnum
CREATE TYPE "CurrencyKind" AS ENUM ('CREDITS', 'POINTS', 'FIAT');

-- CreateEnum
CREATE TYPE "WalletPurpose" AS ENUM ('TIPS', 'SHOWS', 'CONTENT', 'MEMBERSHIPS', 'STORE', 'PAYMENT_REQUESTS');

-- DropIndex
DROP INDEX "ledger_accounts_owner_id_type_currency_key";

-- AlterTable
ALTER TABLE "ledger_accounts" ADD COLUMN     "wallet_type_id" TEXT;

-- CreateTable
CREATE TABLE "currencies" (
    "code" VARCHAR(8) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "CurrencyKind" NOT NULL,
    "exponent" SMALLINT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "currencies_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "wallet_types" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "currency" VARCHAR(8) NOT NULL,
    "account_kind" TEXT NOT NULL,
    "pays_for" "WalletPurpose"[],
    "transferable" BOOLEAN NOT NULL DEFAULT false,
    "withdrawable" BOOLEAN NOT NULL DEFAULT false,
    "store_share_cap_bps" INTEGER NOT NULL DEFAULT 10000,
    "exchange_in" BOOLEAN NOT NULL DEFAULT false,
    "exchange_out" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "exchange_rates" (
    "id" BIGSERIAL NOT NULL,
    "from_currency" VARCHAR(8) NOT NULL,
    "to_currency" VARCHAR(8) NOT NULL,
    "rate_e8" BIGINT NOT NULL,
    "fee_bps" INTEGER NOT NULL DEFAULT 0,
    "effective_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "exchange_rates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_preferences" (
    "user_id" UUID NOT NULL,
    "active_wallet_type_id" TEXT NOT NULL DEFAULT 'credits',
    "auto_top_up_source_id" TEXT,
    "auto_top_up_below" BIGINT,
    "auto_top_up_amount" BIGINT,
    "auto_top_up_max_per_day" INTEGER NOT NULL DEFAULT 3,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "wallet_types_account_kind_key" ON "wallet_types"("account_kind");

-- CreateIndex
CREATE INDEX "exchange_rates_from_currency_to_currency_effective_from_idx" ON "exchange_rates"("from_currency", "to_currency", "effective_from");

-- CreateIndex
CREATE INDEX "ledger_accounts_owner_id_idx" ON "ledger_accounts"("owner_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_owner_id_wallet_type_id_key" ON "ledger_accounts"("owner_id", "wallet_type_id");

-- AddForeignKey
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_wallet_type_id_fkey" FOREIGN KEY ("wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_types" ADD CONSTRAINT "wallet_types_currency_fkey" FOREIGN KEY ("currency") REFERENCES "currencies"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_from_currency_fkey" FOREIGN KEY ("from_currency") REFERENCES "currencies"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_to_currency_fkey" FOREIGN KEY ("to_currency") REFERENCES "currencies"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_preferences" ADD CONSTRAINT "wallet_preferences_active_wallet_type_id_fkey" FOREIGN KEY ("active_wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_preferences" ADD CONSTRAINT "wallet_preferences_auto_top_up_source_id_fkey" FOREIGN KEY ("auto_top_up_source_id") REFERENCES "wallet_types"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_preferences" ADD CONSTRAINT "wallet_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Wallets (issue 13). Every user holds one wallet per active wallet type; a wallet is a guarded ledger account
-- user:<id>:<account_kind>:<currency>. Credits (account kind `available`, the account every user already had) holds
-- bought and transferred credits and is never withdrawable; Earnings holds a performer's matured share of sales and
-- is the only balance withdrawals draw on. Pending and held stay as they were (no wallet type).

ALTER TABLE "wallet_types" ADD CONSTRAINT "wallet_types_id_slug" CHECK (id ~ '^[a-z][a-z0-9-]{1,31}$'),
  ADD CONSTRAINT "wallet_types_pays_for_set" CHECK (pays_for IS NOT NULL),
  ADD CONSTRAINT "wallet_types_store_cap" CHECK (store_share_cap_bps BETWEEN 0 AND 10000),
  ADD CONSTRAINT "wallet_types_account_kind" CHECK (account_kind ~ '^[a-z][a-z0-9-]{1,31}$');
ALTER TABLE "currencies" ADD CONSTRAINT "currencies_code" CHECK (code ~ '^[A-Z]{3,8}$'),
  ADD CONSTRAINT "currencies_exponent" CHECK (exponent BETWEEN 0 AND 4);
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_positive" CHECK (rate_e8 > 0),
  ADD CONSTRAINT "exchange_rates_fee" CHECK (fee_bps BETWEEN 0 AND 5000);
ALTER TABLE "wallet_preferences" ADD CONSTRAINT "wallet_preferences_no_loop" CHECK (auto_top_up_source_id IS DISTINCT FROM active_wallet_type_id),
  ADD CONSTRAINT "wallet_preferences_top_up_positive" CHECK (coalesce(auto_top_up_below, 0) >= 0 AND coalesce(auto_top_up_amount, 1) > 0 AND auto_top_up_max_per_day BETWEEN 1 AND 50);

-- Each currency gets the system accounts a wallet in it needs: adjustments, exchange (liquidity) and fees.
CREATE FUNCTION ledger_open_currency_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_accounts (code, type, currency, guarded, hot)
  SELECT 'system:' || k.name || ':' || NEW.code, k.type, NEW.code, false, true
    FROM (VALUES ('adjustments', 'ADJUSTMENTS'::"AccountType"), ('exchange', 'EXCHANGE'::"AccountType"), ('fees', 'FEES'::"AccountType")) AS k(name, type)
  ON CONFLICT (code) DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER currencies_open_ledger_accounts AFTER INSERT ON currencies
  FOR EACH ROW EXECUTE FUNCTION ledger_open_currency_accounts();

INSERT INTO currencies (code, name, kind, exponent, active) VALUES
  ('CRD', 'Credits', 'CREDITS', 0, true),
  ('PTS', 'Points', 'POINTS', 0, true),
  ('USD', 'US dollar', 'FIAT', 2, true),
  ('EUR', 'Euro', 'FIAT', 2, true),
  ('MXN', 'Mexican peso', 'FIAT', 2, true);

-- A user's wallet accounts: one per active wallet type.
CREATE FUNCTION ledger_wallet_account_type(p_account_kind text) RETURNS "AccountType" LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_account_kind WHEN 'available' THEN 'AVAILABLE' WHEN 'earnings' THEN 'EARNINGS' ELSE 'WALLET' END::"AccountType"
$$;

CREATE OR REPLACE FUNCTION ledger_open_user_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot) VALUES
    ('user:' || NEW.id || ':pending:CRD', NEW.id, 'PENDING', 'CRD', true, true),
    ('user:' || NEW.id || ':held:CRD',    NEW.id, 'HELD',    'CRD', true, false)
  ON CONFLICT (code) DO NOTHING;
  INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot, wallet_type_id)
  SELECT 'user:' || NEW.id || ':' || wt.account_kind || ':' || wt.currency, NEW.id,
         ledger_wallet_account_type(wt.account_kind), wt.currency, true, false, wt.id
    FROM wallet_types wt WHERE wt.active
  ON CONFLICT (code) DO NOTHING;
  RETURN NEW;
END $$;

-- A wallet type that becomes active opens its wallet for every user at once (one statement, whatever the count).
CREATE FUNCTION ledger_open_wallet_type_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.active THEN
    INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot, wallet_type_id)
    SELECT 'user:' || u.id || ':' || NEW.account_kind || ':' || NEW.currency, u.id,
           ledger_wallet_account_type(NEW.account_kind), NEW.currency, true, false, NEW.id
      FROM users u
    ON CONFLICT (code) DO NOTHING;
  END IF;
  RETURN NEW;
END $$;

-- A wallet's currency and account code are fixed once it exists: its accounts' balances are in that currency.
CREATE FUNCTION wallet_types_fixed_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.currency IS DISTINCT FROM OLD.currency OR NEW.account_kind IS DISTINCT FROM OLD.account_kind THEN
    RAISE EXCEPTION 'a wallet type keeps its currency and account kind' USING ERRCODE = 'TM031';
  END IF;
  IF OLD.built_in AND NOT NEW.active THEN
    RAISE EXCEPTION 'the % wallet cannot be deactivated', OLD.name USING ERRCODE = 'TM031';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER wallet_types_keep_identity BEFORE UPDATE ON wallet_types
  FOR EACH ROW EXECUTE FUNCTION wallet_types_fixed_identity();

-- The Credits account every user already has is their Credits wallet.
INSERT INTO wallet_types (id, name, description, currency, account_kind, pays_for, transferable, withdrawable,
                          store_share_cap_bps, exchange_in, exchange_out, active, position, built_in) VALUES
  ('credits', 'Credits', 'Credits bought with a card or received from other members.', 'CRD', 'available',
   '{TIPS,SHOWS,CONTENT,MEMBERSHIPS,STORE,PAYMENT_REQUESTS}', true, false, 10000, true, true, true, 0, true),
  ('earnings', 'Earnings', 'Your share of sales, once the hold after each sale ends.', 'CRD', 'earnings',
   '{}', false, true, 10000, false, true, true, 1, true),
  ('bonus', 'Bonus', 'Promotional credits from the site: for tips, shows and part of a store order.', 'CRD', 'bonus',
   '{TIPS,SHOWS,STORE}', false, false, 5000, false, false, true, 2, false),
  ('usd', 'Dollars', 'Savings in US dollars, exchanged into credits when you need them.', 'USD', 'usd',
   '{}', false, false, 0, true, true, true, 3, false),
  ('mxn', 'Pesos', 'Savings in Mexican pesos, for the Mexican market.', 'MXN', 'mxn',
   '{}', false, false, 0, true, true, false, 4, false);

UPDATE ledger_accounts SET wallet_type_id = 'credits' WHERE type = 'AVAILABLE' AND currency = 'CRD' AND owner_id IS NOT NULL;

INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot, wallet_type_id)
SELECT 'user:' || u.id || ':' || wt.account_kind || ':' || wt.currency, u.id,
       ledger_wallet_account_type(wt.account_kind), wt.currency, true, false, wt.id
  FROM users u CROSS JOIN wallet_types wt
 WHERE wt.active
ON CONFLICT (code) DO NOTHING;

CREATE TRIGGER wallet_types_open_ledger_accounts AFTER INSERT OR UPDATE OF active ON wallet_types
  FOR EACH ROW EXECUTE FUNCTION ledger_open_wallet_type_accounts();

-- Rates: credits are sold at about 10 cents; exchanging out of credits costs a fee, so a round trip never gains.
INSERT INTO exchange_rates (from_currency, to_currency, rate_e8, fee_bps) VALUES
  ('CRD', 'USD', 9000000, 200),
  ('USD', 'CRD', 1000000000, 0),
  ('CRD', 'MXN', 160000000, 200),
  ('MXN', 'CRD', 55000000, 0);

-- What a sale pays for, in the terms of a wallet's rules.
CREATE FUNCTION sale_wallet_purpose(p_sale_kind "SaleKind") RETURNS "WalletPurpose" LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_sale_kind
    WHEN 'TIP' THEN 'TIPS' WHEN 'PRIVATE_SHOW' THEN 'SHOWS' WHEN 'GROUP_SHOW' THEN 'SHOWS'
    WHEN 'CONTENT' THEN 'CONTENT' WHEN 'MEMBERSHIP' THEN 'MEMBERSHIPS' WHEN 'STORE' THEN 'STORE'
    ELSE 'PAYMENT_REQUESTS' END::"WalletPurpose"
$$;

-- The performer's share of a sale now lands in pending as before, and matures into the Earnings wallet (the
-- earnings job). A sale paid from a wallet whose rules do not allow that kind of sale raises TM030, nothing posted.
CREATE OR REPLACE FUNCTION ledger_sale(
  p_kind "TransactionKind",
  p_sale_kind "SaleKind",
  p_buyer_id uuid,
  p_performer_id uuid,
  p_amount bigint,
  p_idempotency_key text,
  p_request_hash text,
  p_description text,
  p_metadata jsonb,
  p_source_codes text[],
  p_source_amounts bigint[],
  p_default_hold jsonb
) RETURNS TABLE (transaction_id bigint, replayed boolean, performer_share bigint, platform_share bigint, rate_bps integer, matures_at timestamptz)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  v_rate integer := 0;
  v_share bigint := 0;
  v_codes text[] := p_source_codes;
  v_amounts bigint[] := p_source_amounts;
  v_posted record;
  v_first jsonb;
  v_matures timestamptz;
  v_hold_days integer;
  v_refusing text;
BEGIN
  IF p_performer_id = p_buyer_id THEN
    RAISE EXCEPTION 'You cannot buy from yourself.' USING ERRCODE = 'TM011';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'A sale must be for a positive amount.' USING ERRCODE = 'TM006';
  END IF;
  SELECT wt.name INTO v_refusing
    FROM ledger_accounts a JOIN wallet_types wt ON wt.id = a.wallet_type_id
   WHERE a.code = ANY (p_source_codes)
     AND (NOT wt.active OR wt.currency <> 'CRD' OR NOT (sale_wallet_purpose(p_sale_kind) = ANY (wt.pays_for)))
   LIMIT 1;
  IF v_refusing IS NOT NULL THEN
    RAISE EXCEPTION 'Your % wallet cannot pay for %.', v_refusing,
      CASE sale_wallet_purpose(p_sale_kind) WHEN 'TIPS' THEN 'tips' WHEN 'SHOWS' THEN 'shows' WHEN 'CONTENT' THEN 'paid content'
        WHEN 'MEMBERSHIPS' THEN 'memberships' WHEN 'STORE' THEN 'store orders' ELSE 'payment requests' END
      USING ERRCODE = 'TM030';
  END IF;
  IF p_performer_id IS NOT NULL THEN
    SELECT commission_rate_at(p_sale_kind, p_performer_id, now()), earnings_hold_days(p_sale_kind, p_default_hold)
      INTO v_rate, v_hold_days;
    IF v_rate IS NULL THEN
      RAISE EXCEPTION 'no commission rate is set for % sales', p_sale_kind USING ERRCODE = 'TM020';
    END IF;
    v_share := sale_performer_share(p_amount, v_rate);
    IF v_share > 0 THEN
      v_codes := v_codes || ('user:' || p_performer_id || ':pending:CRD');
      v_amounts := v_amounts || v_share;
    END IF;
  END IF;
  IF p_amount - v_share > 0 THEN
    v_codes := v_codes || 'system:revenue:CRD'::text;
    v_amounts := v_amounts || (p_amount - v_share);
  END IF;

  SELECT * INTO v_posted FROM ledger_post(
    p_kind, p_idempotency_key, p_request_hash, p_buyer_id, p_description,
    coalesce(p_metadata, '{}') || jsonb_build_object(
      'saleKind', p_sale_kind, 'performerId', p_performer_id, 'amount', p_amount::text,
      'performerShare', v_share::text, 'platformShare', (p_amount - v_share)::text, 'rateBps', v_rate),
    NULL, v_codes, v_amounts, false);

  IF v_posted.replayed THEN
    SELECT t.metadata, l.matures_at INTO v_first, v_matures
      FROM ledger_transactions t LEFT JOIN earnings_lots l ON l.transaction_id = t.id
     WHERE t.id = v_posted.transaction_id;
    RETURN QUERY SELECT v_posted.transaction_id, true, (v_first ->> 'performerShare')::bigint,
                        (v_first ->> 'platformShare')::bigint, (v_first ->> 'rateBps')::integer, v_matures;
    RETURN;
  END IF;

  IF v_share > 0 THEN
    INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
    VALUES (p_performer_id, p_sale_kind, v_posted.transaction_id, v_share, v_share,
            now() + make_interval(days => v_hold_days))
    RETURNING earnings_lots.matures_at INTO v_matures;
  END IF;

  RETURN QUERY SELECT v_posted.transaction_id, false, v_share, p_amount - v_share, v_rate, v_matures;
END $$;

-- Existing balances: a performer's Credits wallet held their matured earnings mixed with bought and received
-- credits. What they earned and have not withdrawn (matured earnings less withdrawal holds, plus holds returned)
-- moves to Earnings, at most the whole balance; the rest stays in Credits. One WALLET_SPLIT posting per performer,
-- keyed by the performer, so the move can be reversed like any posting and never runs twice.
SELECT p.transaction_id
  FROM (
    SELECT u.id AS user_id, least(av.balance + coalesce(d.deltas, 0), greatest(0, coalesce(earned.amount, 0)))::bigint AS amount
      FROM users u
      JOIN ledger_accounts av ON av.owner_id = u.id AND av.type = 'AVAILABLE' AND av.currency = 'CRD'
      LEFT JOIN LATERAL (SELECT sum(x.amount) AS deltas FROM ledger_unfolded_deltas x WHERE x.account_id = av.id) d ON true
      LEFT JOIN LATERAL (
        SELECT sum(e.amount) AS amount
          FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
          LEFT JOIN ledger_transactions reversed ON reversed.id = t.reverses_id
         WHERE e.account_id = av.id
           AND (t.kind IN ('EARNINGS_MATURED', 'WITHDRAWAL_HOLD') OR reversed.kind = 'WITHDRAWAL_HOLD')
      ) earned ON true
     WHERE u.role = 'PERFORMER'
  ) s
  CROSS JOIN LATERAL ledger_post(
    'WALLET_SPLIT'::"TransactionKind", 'wallet-split:' || s.user_id, md5('wallet-split:' || s.user_id || ':' || s.amount), NULL::uuid,
    'Earnings moved to the Earnings wallet'::text, jsonb_build_object('performerId', s.user_id, 'amount', s.amount::text), NULL::bigint,
    ARRAY['user:' || s.user_id || ':available:CRD', 'user:' || s.user_id || ':earnings:CRD'], ARRAY[-s.amount, s.amount]::bigint[], false) p
 WHERE s.amount > 0;
