-- ledger_sale, same contract (see *_ledger_sale and *_card_tabs), with a fast path for the common sale: one
-- source wallet (a cold, guarded account of an active credits wallet type whose rules pay for the sale, not a card
-- tab), a performer whose pending account and the revenue account are hot, a rate in effect, and a buyer who owes
-- no tab. Such a sale is one statement: it resolves the three accounts, the rate and the hold, writes the
-- transaction, its entries, the hot deltas, the guarded debit and the earnings lot, the rows ledger_post and the
-- lot insert write, with the same metadata. ledger_post's generic work (the legs aggregated per account, per
-- currency, the loop over rows changed in place) and three more statements are what it saves: on one connection a
-- sale took 507-560 µs of backend CPU that way against 200-220 µs for the bench's raw statement.
--   Anything else (a refusal, a replayed key, a card tab, several sources, a site sale, an insufficient or
-- restricted balance) writes nothing on the fast path, or raises as ledger_post does, and the general path below,
-- unchanged, works it out and words it. The transaction row goes first and everything else hangs off it, so a
-- replayed key writes nothing; a refused debit raises, which takes the rows written with it back.
--   tipmeter.sale_path = 'general' sends every sale down the general path: the parity test posts the same sales both
-- ways and compares the rows.
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
  v_fast_tx bigint;
  v_fast_debited bigint;
BEGIN
  IF p_performer_id = p_buyer_id THEN
    RAISE EXCEPTION 'You cannot buy from yourself.' USING ERRCODE = 'TM011';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'A sale must be for a positive amount.' USING ERRCODE = 'TM006';
  END IF;
  IF p_performer_id IS NOT NULL AND cardinality(p_source_codes) = 1 AND p_source_amounts[1] = -p_amount
     AND current_setting('tipmeter.sale_path', true) IS DISTINCT FROM 'general' THEN
    WITH source AS MATERIALIZED (
      SELECT a.id FROM ledger_accounts a JOIN wallet_types wt ON wt.id = a.wallet_type_id
       WHERE a.code = p_source_codes[1] AND a.currency = 'CRD' AND a.guarded AND NOT a.hot
         AND wt.active AND NOT wt.card_tab AND sale_wallet_purpose(p_sale_kind) = ANY (wt.pays_for)
    ), terms AS MATERIALIZED (
      SELECT r.rate, sale_performer_share(p_amount, r.rate) AS share,
             (SELECT coalesce((v.value -> 'byKind' ->> p_sale_kind::text)::int, (v.value ->> 'defaultDays')::int)
                FROM (SELECT coalesce((SELECT s.value FROM platform_settings s WHERE s.key = 'earningsHold'), p_default_hold) AS value) v) AS hold_days
        FROM (SELECT (SELECT c.performer_share_bps FROM commission_rates c
                       WHERE c.kind = p_sale_kind AND (c.performer_id = p_performer_id OR c.performer_id IS NULL) AND c.effective_from <= now()
                       ORDER BY c.performer_id IS NULL, c.effective_from DESC, c.id DESC LIMIT 1) AS rate) r
    ), sale AS MATERIALIZED (
      SELECT source.id AS source_id, pending.id AS pending_id, revenue.id AS revenue_id, terms.rate, terms.share, terms.hold_days
        FROM source, terms,
             ledger_accounts pending, ledger_accounts revenue
       WHERE pending.code = 'user:' || p_performer_id || ':pending:CRD' AND pending.hot
         AND revenue.code = 'system:revenue:CRD' AND revenue.hot
         AND terms.rate IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM card_tabs t WHERE t.live_member_id = p_buyer_id AND t.status IN ('PAYMENT_DUE', 'WRITTEN_OFF'))
    ), tx AS (
      INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata)
      SELECT p_kind, p_idempotency_key, p_request_hash, p_buyer_id, p_description,
             coalesce(p_metadata, '{}') || jsonb_build_object(
               'saleKind', p_sale_kind, 'performerId', p_performer_id, 'amount', p_amount::text,
               'performerShare', sale.share::text, 'platformShare', (p_amount - sale.share)::text, 'rateBps', sale.rate)
        FROM sale
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id
    ), legs AS (
      SELECT l.ord, l.account_id, l.amount
        FROM sale, LATERAL (VALUES (1, sale.source_id, -p_amount), (2, sale.pending_id, sale.share), (3, sale.revenue_id, p_amount - sale.share))
             AS l(ord, account_id, amount)
       WHERE l.amount <> 0
    ), entries AS (
      INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
      SELECT tx.id, l.account_id, l.amount, 'CRD' FROM tx, legs l ORDER BY l.ord
    ), deltas AS (
      INSERT INTO ledger_unfolded_deltas (account_id, amount)
      SELECT l.account_id, l.amount FROM tx, legs l WHERE l.amount > 0
    ), debited AS (
      UPDATE ledger_accounts a SET balance = a.balance - p_amount, restricted = false
        FROM tx, sale
       WHERE a.id = sale.source_id AND a.balance >= p_amount
      RETURNING a.id
    ), lot AS (
      INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
      SELECT p_performer_id, p_sale_kind, tx.id, sale.share, sale.share, now() + make_interval(days => sale.hold_days)
        FROM tx, sale WHERE sale.share > 0
      RETURNING earnings_lots.matures_at
    )
    SELECT tx.id, (SELECT count(*) FROM debited), sale.share, sale.rate, (SELECT lot.matures_at FROM lot)
      INTO v_fast_tx, v_fast_debited, v_share, v_rate, v_matures
      FROM tx, sale;
    IF v_fast_tx IS NOT NULL THEN
      IF v_fast_debited = 0 THEN
        IF (SELECT a.balance < 0 FROM ledger_accounts a WHERE a.code = p_source_codes[1]) THEN
          RAISE EXCEPTION 'account % is restricted until its negative balance is settled', p_source_codes[1] USING ERRCODE = 'TM005';
        END IF;
        RAISE EXCEPTION 'insufficient funds in %', p_source_codes[1] USING ERRCODE = 'TM001';
      END IF;
      RETURN QUERY SELECT v_fast_tx, false, v_share, p_amount - v_share, v_rate, v_matures;
      RETURN;
    END IF;
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
