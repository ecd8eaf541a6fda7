-- ledger_post, same contract (see *_ledger_engine and *_ledger_sale), two statements for a sale instead of four:
-- the statement that resolves the legs also works out, per account, the net change and whether its row changes
-- in place (guarded debits, any change to a cold account), so no second query walks the legs again; and when one
-- cold account is all that changes in place (a sale: the buyer's wallet; hot accounts only get deltas), its
-- guarded update goes into the statement that writes the transaction, its entries and the hot deltas. One row
-- lock needs no lock order; postings that change several rows in place still visit them one by one in id order.
-- A refused guard raises, which takes every row the call wrote back with it, as before.
--   Both functions plan their statements once per connection (plan_cache_mode = force_generic_plan): left to
-- choose, PostgreSQL kept planning the array-driven statements afresh on every call, the largest part of a posting's
-- CPU after the writes (one connection, ledger_post of a tip: 616 µs of backend CPU planned per call, 433 µs planned
-- once, against 260 µs for the raw statement). Every statement here finds its rows by a unique key or an id, which
-- a generic plan does as well as a custom one.
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
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
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
  -- The accounts whose row changes in place, in id order, with their net change.
  v_change_ids bigint[];
  v_change_codes text[];
  v_change_nets bigint[];
  v_change_guarded boolean[];
  v_change_hot boolean[];
  v_single bigint;
  v_single_debit boolean := false;
  v_changed int;
  v_index int;
  v_folded bigint;
  v_restricted boolean;
BEGIN
  IF v_leg_count < 2 OR v_leg_count <> coalesce(cardinality(p_amounts), 0) THEN
    RAISE EXCEPTION 'a transaction needs at least two legs, one amount per account' USING ERRCODE = 'TM003';
  END IF;
  IF array_position(p_amounts, NULL) IS NOT NULL OR array_position(p_amounts, 0::bigint) IS NOT NULL THEN
    RAISE EXCEPTION 'every leg needs a non-zero amount' USING ERRCODE = 'TM003';
  END IF;

  -- The legs resolved once: per leg (id, currency, guarded, hot), the balance per currency, and per account its
  -- net change and whether its row changes in place.
  WITH l AS (
    SELECT l.ord, l.code, a.id, a.currency::text AS currency, a.guarded, a.hot, l.amount
      FROM unnest(p_account_codes, p_amounts) WITH ORDINALITY AS l(code, amount, ord)
      LEFT JOIN ledger_accounts a ON a.code = l.code
  ), account AS (
    SELECT l.id, min(l.code) AS code, min(l.currency) AS currency, bool_or(l.guarded) AS guarded, bool_or(l.hot) AS hot,
           sum(l.amount)::bigint AS net
      FROM l WHERE l.id IS NOT NULL GROUP BY l.id
  ), in_place AS (
    SELECT * FROM account a WHERE a.net <> 0 AND (NOT a.hot OR (a.guarded AND a.net < 0))
  )
  SELECT legs.ids, legs.currencies, legs.guarded, legs.hot, legs.found,
         (SELECT string_agg(c.currency, ', ') FROM (SELECT a.currency FROM account a GROUP BY a.currency HAVING sum(a.net) <> 0) c),
         changes.ids, changes.codes, changes.nets, changes.guarded, changes.hot
    INTO v_account_ids, v_currencies, v_guarded, v_hot, v_found, v_unbalanced,
         v_change_ids, v_change_codes, v_change_nets, v_change_guarded, v_change_hot
    FROM (SELECT array_agg(l.id ORDER BY l.ord) AS ids, array_agg(l.currency ORDER BY l.ord) AS currencies,
                 array_agg(l.guarded ORDER BY l.ord) AS guarded, array_agg(l.hot ORDER BY l.ord) AS hot, count(l.id) AS found
            FROM l) legs,
         (SELECT array_agg(c.id ORDER BY c.id) AS ids, array_agg(c.code ORDER BY c.id) AS codes,
                 array_agg(c.net ORDER BY c.id) AS nets, array_agg(c.guarded ORDER BY c.id) AS guarded,
                 array_agg(c.hot ORDER BY c.id) AS hot
            FROM in_place c) changes;
  IF v_found < v_leg_count THEN
    RAISE EXCEPTION 'unknown account: %', p_account_codes[array_position(v_account_ids, NULL)] USING ERRCODE = 'TM004';
  END IF;
  IF v_unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'legs do not balance in %', v_unbalanced USING ERRCODE = 'TM003';
  END IF;
  IF cardinality(v_change_ids) = 1 AND NOT v_change_hot[1] THEN
    v_single := v_change_ids[1];
    v_single_debit := v_change_guarded[1] AND v_change_nets[1] < 0;
  END IF;

  -- The transaction, its entries, one appended delta per credited hot account (no lock on the hot rows) and, when
  -- one cold account is all that changes in place, its update (guarded: only if the balance stays at or above
  -- zero), in one statement that writes nothing when the key was used already.
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
  ), changed AS (
    UPDATE ledger_accounts a
       SET balance = a.balance + v_change_nets[1],
           restricted = CASE WHEN v_single_debit THEN a.balance + v_change_nets[1] < 0
                             ELSE a.restricted AND a.balance + v_change_nets[1] < 0 END
      FROM tx
     WHERE a.id = v_single
       AND (NOT v_single_debit OR p_allow_overdraft OR a.balance + v_change_nets[1] >= 0)
    RETURNING a.id
  )
  SELECT tx.id, (SELECT count(*) FROM changed) INTO v_tx, v_changed FROM tx;

  IF v_tx IS NULL THEN
    SELECT t.id, t.request_hash INTO v_tx, v_existing_hash
      FROM ledger_transactions t WHERE t.idempotency_key = p_idempotency_key;
    IF v_existing_hash IS DISTINCT FROM p_request_hash THEN
      RAISE EXCEPTION 'idempotency key % was used for a different request', p_idempotency_key USING ERRCODE = 'TM002';
    END IF;
    RETURN QUERY SELECT v_tx, true;
    RETURN;
  END IF;

  IF v_single IS NOT NULL THEN
    IF v_changed = 0 THEN
      SELECT a.balance < 0 INTO v_restricted FROM ledger_accounts a WHERE a.id = v_single;
      IF v_restricted THEN
        RAISE EXCEPTION 'account % is restricted until its negative balance is settled', v_change_codes[1] USING ERRCODE = 'TM005';
      END IF;
      RAISE EXCEPTION 'insufficient funds in %', v_change_codes[1] USING ERRCODE = 'TM001';
    END IF;
    RETURN QUERY SELECT v_tx, false;
    RETURN;
  END IF;

  -- Several rows changed in place, or a hot guarded debit: one by one in id order (the one lock order everyone uses).
  FOR v_index IN 1 .. coalesce(cardinality(v_change_ids), 0) LOOP
    IF v_change_guarded[v_index] AND v_change_nets[v_index] < 0 THEN
      v_folded := 0;
      IF v_change_hot[v_index] THEN
        PERFORM 1 FROM ledger_accounts WHERE id = v_change_ids[v_index] FOR UPDATE;
        WITH gone AS (DELETE FROM ledger_unfolded_deltas WHERE account_id = v_change_ids[v_index] RETURNING amount)
        SELECT coalesce(sum(amount), 0) INTO v_folded FROM gone;
      END IF;
      UPDATE ledger_accounts
         SET balance = balance + v_folded + v_change_nets[v_index],
             restricted = (balance + v_folded + v_change_nets[v_index] < 0)
       WHERE id = v_change_ids[v_index]
         AND (p_allow_overdraft OR balance + v_folded + v_change_nets[v_index] >= 0);
      IF NOT FOUND THEN
        SELECT balance + v_folded < 0 INTO v_restricted FROM ledger_accounts WHERE id = v_change_ids[v_index];
        IF v_restricted THEN
          RAISE EXCEPTION 'account % is restricted until its negative balance is settled', v_change_codes[v_index]
            USING ERRCODE = 'TM005';
        END IF;
        RAISE EXCEPTION 'insufficient funds in %', v_change_codes[v_index] USING ERRCODE = 'TM001';
      END IF;
    ELSE
      UPDATE ledger_accounts
         SET balance = balance + v_change_nets[v_index],
             restricted = restricted AND balance + v_change_nets[v_index] < 0
       WHERE id = v_change_ids[v_index];
    END IF;
  END LOOP;

  RETURN QUERY SELECT v_tx, false;
END $$;

-- ledger_sale, same contract (see *_ledger_sale): the rate in effect and the hold of the performer's share read in
-- one statement rather than two, and its statements planned once per connection like ledger_post's.
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
BEGIN
  IF p_performer_id = p_buyer_id THEN
    RAISE EXCEPTION 'You cannot buy from yourself.' USING ERRCODE = 'TM011';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'A sale must be for a positive amount.' USING ERRCODE = 'TM006';
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
