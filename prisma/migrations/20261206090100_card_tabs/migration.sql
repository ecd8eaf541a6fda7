-- AlterTable
ALTER TABLE "rooms" ADD COLUMN     "tab_split_threshold" BIGINT;

-- AlterTable
ALTER TABLE "wallet_types" ADD COLUMN     "card_tab" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "payment_customers" (
    "user_id" UUID NOT NULL,
    "gateway" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_customers_pkey" PRIMARY KEY ("user_id","gateway")
);

-- CreateTable
CREATE TABLE "card_tabs" (
    "id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "live_member_id" UUID,
    "performer_id" UUID NOT NULL,
    "status" "CardTabStatus" NOT NULL DEFAULT 'OPENING',
    "currency" VARCHAR(3) NOT NULL,
    "credit_price_minor" BIGINT NOT NULL,
    "limit_credits" BIGINT NOT NULL,
    "split_threshold" BIGINT,
    "customer_ref" TEXT,
    "payment_method_ref" TEXT,
    "payment_method_label" TEXT,
    "opening_checkout_id" TEXT,
    "authorization_id" TEXT,
    "authorized_at" TIMESTAMPTZ(6),
    "settle_by" TIMESTAMPTZ(6),
    "captured_credits" BIGINT NOT NULL DEFAULT 0,
    "due_credits" BIGINT NOT NULL DEFAULT 0,
    "failure" TEXT,
    "write_off_bearer" "DebtBearer",
    "close_reason" TEXT,
    "opened_at" TIMESTAMPTZ(6),
    "closed_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_tabs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_tab_charges" (
    "id" BIGSERIAL NOT NULL,
    "tab_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" "CardTabChargeKind" NOT NULL,
    "status" "CardTabChargeStatus" NOT NULL DEFAULT 'PENDING',
    "credits" BIGINT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "payment_id" TEXT,
    "checkout_session_id" TEXT,
    "failure" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(6),

    CONSTRAINT "card_tab_charges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "card_tabs_live_member_id_key" ON "card_tabs"("live_member_id");

-- CreateIndex
CREATE UNIQUE INDEX "card_tabs_opening_checkout_id_key" ON "card_tabs"("opening_checkout_id");

-- CreateIndex
CREATE UNIQUE INDEX "card_tabs_authorization_id_key" ON "card_tabs"("authorization_id");

-- CreateIndex
CREATE INDEX "card_tabs_member_id_created_at_idx" ON "card_tabs"("member_id", "created_at");

-- CreateIndex
CREATE INDEX "card_tabs_performer_id_created_at_idx" ON "card_tabs"("performer_id", "created_at");

-- CreateIndex
CREATE INDEX "card_tabs_status_settle_by_idx" ON "card_tabs"("status", "settle_by");

-- CreateIndex
CREATE UNIQUE INDEX "card_tab_charges_checkout_session_id_key" ON "card_tab_charges"("checkout_session_id");

-- CreateIndex
CREATE INDEX "card_tab_charges_status_created_at_idx" ON "card_tab_charges"("status", "created_at");

-- CreateIndex
CREATE INDEX "card_tab_charges_payment_id_idx" ON "card_tab_charges"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "card_tab_charges_tab_id_seq_key" ON "card_tab_charges"("tab_id", "seq");

-- AddForeignKey
ALTER TABLE "payment_customers" ADD CONSTRAINT "payment_customers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_tabs" ADD CONSTRAINT "card_tabs_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_tabs" ADD CONSTRAINT "card_tabs_performer_id_fkey" FOREIGN KEY ("performer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_tab_charges" ADD CONSTRAINT "card_tab_charges_tab_id_fkey" FOREIGN KEY ("tab_id") REFERENCES "card_tabs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The system accounts card tabs post to: the tab receivable (what open tabs may still charge, and what they
-- accrued and nobody captured yet) and bad debt (what the platform lost to tabs nobody paid).
INSERT INTO ledger_accounts (code, type, currency, guarded, hot) VALUES
  ('system:tab_receivable:CRD', 'RECEIVABLES', 'CRD', false, true),
  ('system:bad_debt:CRD',       'BAD_DEBT',    'CRD', false, true)
ON CONFLICT (code) DO NOTHING;

ALTER TABLE card_tabs
  ADD CONSTRAINT card_tabs_limit_positive CHECK (limit_credits > 0 AND credit_price_minor > 0),
  ADD CONSTRAINT card_tabs_amounts_sane CHECK (captured_credits >= 0 AND due_credits >= 0 AND captured_credits <= limit_credits),
  ADD CONSTRAINT card_tabs_split_positive CHECK (split_threshold IS NULL OR split_threshold > 0),
  ADD CONSTRAINT card_tabs_live_member CHECK (
    (status IN ('CLOSED', 'CANCELED') AND live_member_id IS NULL) OR (status NOT IN ('CLOSED', 'CANCELED') AND live_member_id = member_id));
ALTER TABLE card_tab_charges ADD CONSTRAINT card_tab_charges_positive CHECK (credits > 0 AND amount_minor > 0);
ALTER TABLE rooms ADD CONSTRAINT rooms_tab_split_threshold_positive CHECK (tab_split_threshold IS NULL OR tab_split_threshold > 0);

-- The card tab wallet: every user holds one (opened by the wallet-type trigger), empty unless a tab is open.
INSERT INTO wallet_types (id, name, description, currency, account_kind, pays_for, transferable, withdrawable,
                          store_share_cap_bps, exchange_in, exchange_out, active, position, built_in, card_tab)
VALUES ('tab', 'Card tab', 'Pay later by card: what is left of an open tab''s limit, in the room of the performer it was opened with.',
        'CRD', 'tab', '{TIPS,SHOWS,PAYMENT_REQUESTS}', false, false, 0, false, false, true, 5, true, true);

-- A card tab's rules are the platform's: it is funded only by an authorisation, so no move, transfer or withdrawal
-- may reach it, whatever an admin edits.
CREATE OR REPLACE FUNCTION wallet_types_fixed_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.currency IS DISTINCT FROM OLD.currency OR NEW.account_kind IS DISTINCT FROM OLD.account_kind THEN
    RAISE EXCEPTION 'a wallet type keeps its currency and account kind' USING ERRCODE = 'TM031';
  END IF;
  IF OLD.built_in AND NOT NEW.active THEN
    RAISE EXCEPTION 'the % wallet cannot be deactivated', OLD.name USING ERRCODE = 'TM031';
  END IF;
  IF OLD.card_tab AND (NEW.card_tab IS DISTINCT FROM OLD.card_tab OR NEW.pays_for IS DISTINCT FROM OLD.pays_for
      OR NEW.transferable OR NEW.withdrawable OR NEW.exchange_in OR NEW.exchange_out OR NEW.store_share_cap_bps <> 0) THEN
    RAISE EXCEPTION 'the card tab''s rules are fixed: it pays for tips, shows and payment requests and nothing moves into or out of it' USING ERRCODE = 'TM031';
  END IF;
  IF NEW.card_tab AND NOT OLD.card_tab THEN
    RAISE EXCEPTION 'only the built-in card tab is funded by a card' USING ERRCODE = 'TM031';
  END IF;
  RETURN NEW;
END $$;

-- Sales (ledger_sale) as before, plus the card tab: a sale from the tab wallet needs the member's tab open with
-- that performer (TM032) and within what is left of it (TM034); a member who owes a tab buys nothing (TM033).
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
  v_is_tab boolean;
  v_tab_allows boolean;
  v_tab_status "CardTabStatus";
  v_tab_performer uuid;
  v_tab_left bigint;
  v_tab_amount bigint;
BEGIN
  IF p_performer_id = p_buyer_id THEN
    RAISE EXCEPTION 'You cannot buy from yourself.' USING ERRCODE = 'TM011';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'A sale must be for a positive amount.' USING ERRCODE = 'TM006';
  END IF;
  SELECT wt.name, wt.card_tab, sale_wallet_purpose(p_sale_kind) = ANY (wt.pays_for), tab.status, tab.performer_id, a.balance,
         p_source_amounts[array_position(p_source_codes, a.code)]
    INTO v_refusing, v_is_tab, v_tab_allows, v_tab_status, v_tab_performer, v_tab_left, v_tab_amount
    FROM ledger_accounts a JOIN wallet_types wt ON wt.id = a.wallet_type_id
    LEFT JOIN card_tabs tab ON wt.card_tab AND tab.live_member_id = p_buyer_id
   WHERE a.code = ANY (p_source_codes)
     AND (wt.card_tab OR NOT wt.active OR wt.currency <> 'CRD' OR NOT (sale_wallet_purpose(p_sale_kind) = ANY (wt.pays_for)))
   ORDER BY wt.card_tab
   LIMIT 1;
  IF v_is_tab AND v_tab_allows THEN
    -- A card tab pays only its own performer while it is open, and never more than is left of its limit.
    IF v_tab_status IS DISTINCT FROM 'OPEN' THEN
      RAISE EXCEPTION 'You have no open card tab to pay with.' USING ERRCODE = 'TM032';
    END IF;
    IF v_tab_performer IS DISTINCT FROM p_performer_id THEN
      RAISE EXCEPTION 'Your card tab pays only the performer you opened it with.' USING ERRCODE = 'TM032';
    END IF;
    IF v_tab_left + v_tab_amount < 0 THEN
      RAISE EXCEPTION 'That is more than is left on your card tab (% credits).', v_tab_left USING ERRCODE = 'TM034';
    END IF;
    v_refusing := NULL;
  END IF;
  -- A member who owes a card tab, or whose unpaid tab was written off, spends nothing until it is paid.
  IF EXISTS (SELECT 1 FROM card_tabs WHERE live_member_id = p_buyer_id AND status IN ('PAYMENT_DUE', 'WRITTEN_OFF')) THEN
    RAISE EXCEPTION 'Spending is paused until you pay what your card tab owes.' USING ERRCODE = 'TM033';
  END IF;
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
