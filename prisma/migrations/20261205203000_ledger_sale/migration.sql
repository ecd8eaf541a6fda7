-- A sale in one round trip (server/services/sales.ts): the rate in effect, the split, the posting, the earnings lot
-- and the idempotent replay in one call, and ledger_post doing less work per call. Functions only.
-- The rules mirror server/domain/commission.ts, commission-schedule.ts and earnings.ts; an integration test
-- (server/services/sale-parity.int.test.ts) checks the SQL against them case by case.

-- ledger_post, same contract (see *_ledger_engine), fewer statements per call: one resolves the legs into arrays
-- (id, currency, guarded, hot) and checks the balance per currency; one writes the transaction (or nothing, for a
-- key used before: a replay), its entries and the appended hot deltas; then only the accounts whose row changes in
-- place are visited one by one (in id order, the one lock order), and a refusal there raises, taking the rows
-- written before it back. Legs naming an unknown account or not balancing are refused before a replay is
-- recognised: a replay repeats the legs of a posting that had neither.
CREATE OR REPLACE FUNCTION ledger_post(
  p_kind "TransactionKind",
  p_idempotency_key text,
  p_request_hash text,
  p_actor_id uuid,
  p_description text,
  p_metadata jsonb,
  p_reverses_id bigint,
  p_account_codes text[],
  p_amounts bigint[],
  p_allow_overdraft boolean DEFAULT false
) RETURNS TABLE (transaction_id bigint, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_tx bigint;
  v_existing_hash text;
  v_leg_count int := coalesce(cardinality(p_account_codes), 0);
  v_account_ids bigint[];
  v_currencies text[];
  v_guarded boolean[];
  v_hot boolean[];
  v_found int;
  v_unbalanced text;
  v_change record;
  v_folded bigint;
  v_restricted boolean;
BEGIN
  IF v_leg_count < 2 OR v_leg_count <> coalesce(cardinality(p_amounts), 0) THEN
    RAISE EXCEPTION 'a transaction needs at least two legs, one amount per account' USING ERRCODE = 'TM003';
  END IF;
  IF array_position(p_amounts, NULL) IS NOT NULL OR array_position(p_amounts, 0::bigint) IS NOT NULL THEN
    RAISE EXCEPTION 'every leg needs a non-zero amount' USING ERRCODE = 'TM003';
  END IF;

  -- The legs resolved once, with the balance per currency checked in the same pass.
  WITH l AS (
    SELECT l.ord, a.id, a.currency::text AS currency, a.guarded, a.hot, l.amount
      FROM unnest(p_account_codes, p_amounts) WITH ORDINALITY AS l(code, amount, ord)
      LEFT JOIN ledger_accounts a ON a.code = l.code
  )
  SELECT array_agg(l.id ORDER BY l.ord), array_agg(l.currency ORDER BY l.ord),
         array_agg(l.guarded ORDER BY l.ord), array_agg(l.hot ORDER BY l.ord), count(l.id),
         (SELECT string_agg(c.currency, ', ') FROM (
            SELECT b.currency FROM l b WHERE b.id IS NOT NULL GROUP BY b.currency HAVING sum(b.amount) <> 0) c)
    INTO v_account_ids, v_currencies, v_guarded, v_hot, v_found, v_unbalanced
    FROM l;
  IF v_found < v_leg_count THEN
    RAISE EXCEPTION 'unknown account: %', p_account_codes[array_position(v_account_ids, NULL)] USING ERRCODE = 'TM004';
  END IF;
  IF v_unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'legs do not balance in %', v_unbalanced USING ERRCODE = 'TM003';
  END IF;

  -- The transaction, its entries and one appended delta per credited hot account (no lock on the hot rows), in
  -- one statement that writes nothing when the key was used already. The balances changed in place follow; a
  -- refusal there raises, which takes these rows back with it.
  WITH tx AS (
    INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata, reverses_id)
    VALUES (p_kind, p_idempotency_key, p_request_hash, p_actor_id, p_description, coalesce(p_metadata, '{}'), p_reverses_id)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
  ), legs AS (
    SELECT l.account_id, l.currency, l.hot, l.guarded, l.amount
      FROM unnest(v_account_ids, v_currencies, v_hot, v_guarded, p_amounts) AS l(account_id, currency, hot, guarded, amount)
  ), deltas AS (
    INSERT INTO ledger_unfolded_deltas (account_id, amount)
    SELECT l.account_id, sum(l.amount)::bigint FROM tx, legs l WHERE l.hot
     GROUP BY l.account_id
    HAVING sum(l.amount) <> 0 AND NOT (bool_or(l.guarded) AND sum(l.amount) < 0)
  ), entries AS (
    INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
    SELECT tx.id, l.account_id, l.amount, l.currency FROM tx, legs l
  )
  SELECT tx.id INTO v_tx FROM tx;

  IF v_tx IS NULL THEN
    SELECT t.id, t.request_hash INTO v_tx, v_existing_hash
      FROM ledger_transactions t WHERE t.idempotency_key = p_idempotency_key;
    IF v_existing_hash IS DISTINCT FROM p_request_hash THEN
      RAISE EXCEPTION 'idempotency key % was used for a different request', p_idempotency_key USING ERRCODE = 'TM002';
    END IF;
    RETURN QUERY SELECT v_tx, true;
    RETURN;
  END IF;

  -- Rows changed in place: guarded debits (hot or not) and any change to a cold account. Hot credits are not here.
  FOR v_change IN
    SELECT l.account_id, min(l.code) AS code, bool_or(l.guarded) AS guarded, bool_or(l.hot) AS hot, sum(l.amount)::bigint AS net
      FROM unnest(v_account_ids, p_account_codes, v_guarded, v_hot, p_amounts) AS l(account_id, code, guarded, hot, amount)
     GROUP BY l.account_id
    HAVING sum(l.amount) <> 0 AND (NOT bool_or(l.hot) OR (bool_or(l.guarded) AND sum(l.amount) < 0))
     ORDER BY l.account_id
  LOOP
    IF v_change.guarded AND v_change.net < 0 THEN
      v_folded := 0;
      IF v_change.hot THEN
        PERFORM 1 FROM ledger_accounts WHERE id = v_change.account_id FOR UPDATE;
        WITH gone AS (DELETE FROM ledger_unfolded_deltas WHERE account_id = v_change.account_id RETURNING amount)
        SELECT coalesce(sum(amount), 0) INTO v_folded FROM gone;
      END IF;
      UPDATE ledger_accounts
         SET balance = balance + v_folded + v_change.net,
             restricted = (balance + v_folded + v_change.net < 0)
       WHERE id = v_change.account_id
         AND (p_allow_overdraft OR balance + v_folded + v_change.net >= 0);
      IF NOT FOUND THEN
        SELECT balance + v_folded < 0 INTO v_restricted FROM ledger_accounts WHERE id = v_change.account_id;
        IF v_restricted THEN
          RAISE EXCEPTION 'account % is restricted until its negative balance is settled', v_change.code
            USING ERRCODE = 'TM005';
        END IF;
        RAISE EXCEPTION 'insufficient funds in %', v_change.code USING ERRCODE = 'TM001';
      END IF;
    ELSE
      UPDATE ledger_accounts
         SET balance = balance + v_change.net,
             restricted = restricted AND balance + v_change.net < 0
       WHERE id = v_change.account_id;
    END IF;
  END LOOP;

  RETURN QUERY SELECT v_tx, false;
END $$;

-- The commission rate in effect at p_at for a sale of p_kind by p_performer_id (effectiveRate): the performer's
-- own override if one is in effect, else the site default; the latest effective_from wins, a tie goes to the row
-- created last. Null when none is in effect.
CREATE FUNCTION commission_rate_at(p_kind "SaleKind", p_performer_id uuid, p_at timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT r.performer_share_bps FROM commission_rates r
   WHERE r.kind = p_kind AND (r.performer_id = p_performer_id OR r.performer_id IS NULL) AND r.effective_from <= p_at
   ORDER BY r.performer_id IS NULL, r.effective_from DESC, r.id DESC
   LIMIT 1
$$;

-- The performer's share of a sale (splitSale): floor(amount x bps / 10000), in numeric so no amount overflows.
CREATE FUNCTION sale_performer_share(p_amount bigint, p_rate_bps integer)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT div(p_amount::numeric * p_rate_bps, 10000)::bigint
$$;

-- Days a performer's share of a sale of p_kind stays pending (holdDaysFor on the earningsHold setting); the
-- setting's default policy comes from the caller (SETTINGS in server/services/settings.ts), used when no admin set it.
CREATE FUNCTION earnings_hold_days(p_kind "SaleKind", p_default jsonb)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT coalesce((v.value -> 'byKind' ->> p_kind::text)::int, (v.value ->> 'defaultDays')::int)
    FROM (SELECT coalesce((SELECT s.value FROM platform_settings s WHERE s.key = 'earningsHold'), p_default) AS value) v
$$;

-- One sale in one call (postSale): the TIP/CONTENT/... rate in effect now for the performer (none for a site sale:
-- all of it is revenue), the split, the posting through ledger_post (sources, the performer's pending share, the
-- platform's revenue), and the earnings lot that says when the performer's share matures. A replay returns the
-- first sale's split and lot. A caller with nothing else to write needs no transaction around it; its outbox rows
-- can go in the same statement (server/services/tips.ts).
--   Refusals: TM011 buying from yourself, TM006 an amount that is not positive, TM020 no rate in effect; and
--   ledger_post's own (insufficient funds, conflict, unknown account, restricted).
CREATE FUNCTION ledger_sale(
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
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_rate integer := 0;
  v_share bigint := 0;
  v_codes text[] := p_source_codes;
  v_amounts bigint[] := p_source_amounts;
  v_posted record;
  v_first jsonb;
  v_matures timestamptz;
BEGIN
  IF p_performer_id = p_buyer_id THEN
    RAISE EXCEPTION 'You cannot buy from yourself.' USING ERRCODE = 'TM011';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'A sale must be for a positive amount.' USING ERRCODE = 'TM006';
  END IF;
  IF p_performer_id IS NOT NULL THEN
    v_rate := commission_rate_at(p_sale_kind, p_performer_id, now());
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
            now() + make_interval(days => earnings_hold_days(p_sale_kind, p_default_hold)))
    RETURNING earnings_lots.matures_at INTO v_matures;
  END IF;

  RETURN QUERY SELECT v_posted.transaction_id, false, v_share, p_amount - v_share, v_rate, v_matures;
END $$;
