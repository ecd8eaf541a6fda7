-- Ledger engine: what Prisma's schema cannot express. See server/ledger/README.md for the design.

-- Entries and transactions are append-only: a correction is a new transaction that reverses the old one.
CREATE FUNCTION ledger_reject_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'TM010';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_reject_mutation();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_mutation();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_reject_mutation();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_mutation();

ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_amount_nonzero CHECK (amount <> 0);

-- System accounts. Gateway clearing, adjustments and receivables are where credits enter the books; revenue,
-- fees and payout clearing are where they leave users. Unguarded, and hot: nothing in the request path locks them.
INSERT INTO ledger_accounts (code, type, currency, guarded, hot) VALUES
  ('system:gateway_clearing:CRD', 'GATEWAY_CLEARING', 'CRD', false, true),
  ('system:revenue:CRD',          'REVENUE',          'CRD', false, true),
  ('system:adjustments:CRD',      'ADJUSTMENTS',      'CRD', false, true),
  ('system:payout_clearing:CRD',  'PAYOUT_CLEARING',  'CRD', false, true),
  ('system:receivables:CRD',      'RECEIVABLES',      'CRD', false, true),
  ('system:fees:CRD',             'FEES',             'CRD', false, true),
  ('system:exchange:CRD',         'EXCHANGE',         'CRD', false, true);

-- Every user has a credit wallet from the moment it exists. Available and held are spent with a guard; pending
-- (earnings before maturation) is credited by every tip to a performer, so it is hot.
CREATE FUNCTION ledger_open_user_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot) VALUES
    ('user:' || NEW.id || ':available:CRD', NEW.id, 'AVAILABLE', 'CRD', true, false),
    ('user:' || NEW.id || ':pending:CRD',   NEW.id, 'PENDING',   'CRD', true, true),
    ('user:' || NEW.id || ':held:CRD',      NEW.id, 'HELD',      'CRD', true, false)
  ON CONFLICT (code) DO NOTHING;
  RETURN NEW;
END $$;

CREATE TRIGGER users_open_ledger_accounts AFTER INSERT ON users
  FOR EACH ROW EXECUTE FUNCTION ledger_open_user_accounts();

-- Users created before this migration get theirs now.
INSERT INTO ledger_accounts (code, owner_id, type, currency, guarded, hot)
SELECT 'user:' || u.id || ':' || lower(k.type::text) || ':CRD', u.id, k.type, 'CRD', true, k.hot
  FROM users u
 CROSS JOIN (VALUES ('AVAILABLE'::"AccountType", false), ('PENDING'::"AccountType", true), ('HELD'::"AccountType", false)) AS k(type, hot)
ON CONFLICT (code) DO NOTHING;

-- Post one balanced transaction in one call.
--   Legs name accounts by code; amounts are signed (positive raises the account's balance).
--   Idempotency: the first call with a key posts; a later call with the same key and request hash returns the
--   first transaction (replayed = true); the same key with another hash raises TM002.
--   Locks: only rows whose balance changes in place are locked, in account id order. A guarded account that is
--   debited is checked in the same UPDATE that debits it; any other change to a hot account is appended to
--   ledger_unfolded_deltas without touching its row. Any failed check raises, so nothing commits partially.
--   p_allow_overdraft lets a clawback (refund, dispute) take a guarded account below zero; the account is then
--   restricted until credits bring it back to zero or above.
CREATE FUNCTION ledger_post(
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
  v_unbalanced text;
  v_change record;
  v_folded bigint;
  v_restricted boolean;
BEGIN
  IF v_leg_count < 2 OR v_leg_count <> coalesce(cardinality(p_amounts), 0) THEN
    RAISE EXCEPTION 'a transaction needs at least two legs, one amount per account' USING ERRCODE = 'TM003';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_amounts) AS a(amount) WHERE a.amount IS NULL OR a.amount = 0) THEN
    RAISE EXCEPTION 'every leg needs a non-zero amount' USING ERRCODE = 'TM003';
  END IF;

  INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata, reverses_id)
  VALUES (p_kind, p_idempotency_key, p_request_hash, p_actor_id, p_description, coalesce(p_metadata, '{}'), p_reverses_id)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id INTO v_tx;

  IF v_tx IS NULL THEN
    SELECT t.id, t.request_hash INTO v_tx, v_existing_hash
      FROM ledger_transactions t WHERE t.idempotency_key = p_idempotency_key;
    IF v_existing_hash IS DISTINCT FROM p_request_hash THEN
      RAISE EXCEPTION 'idempotency key % was used for a different request', p_idempotency_key USING ERRCODE = 'TM002';
    END IF;
    RETURN QUERY SELECT v_tx, true;
    RETURN;
  END IF;

  SELECT array_agg(a.id ORDER BY l.ord) INTO v_account_ids
    FROM unnest(p_account_codes) WITH ORDINALITY AS l(code, ord)
    LEFT JOIN ledger_accounts a ON a.code = l.code;
  IF array_position(v_account_ids, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'unknown account: %', p_account_codes[array_position(v_account_ids, NULL)] USING ERRCODE = 'TM004';
  END IF;

  SELECT string_agg(currency, ', ') INTO v_unbalanced FROM (
    SELECT a.currency
      FROM unnest(v_account_ids, p_amounts) AS l(account_id, amount)
      JOIN ledger_accounts a ON a.id = l.account_id
     GROUP BY a.currency HAVING sum(l.amount) <> 0
  ) c;
  IF v_unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'legs do not balance in %', v_unbalanced USING ERRCODE = 'TM003';
  END IF;

  FOR v_change IN
    SELECT a.id AS account_id, a.code, a.guarded, a.hot, sum(l.amount)::bigint AS net
      FROM unnest(v_account_ids, p_amounts) AS l(account_id, amount)
      JOIN ledger_accounts a ON a.id = l.account_id
     GROUP BY a.id HAVING sum(l.amount) <> 0
     ORDER BY a.id
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
    ELSIF v_change.hot THEN
      INSERT INTO ledger_unfolded_deltas (account_id, amount) VALUES (v_change.account_id, v_change.net);
    ELSE
      UPDATE ledger_accounts
         SET balance = balance + v_change.net,
             restricted = restricted AND balance + v_change.net < 0
       WHERE id = v_change.account_id;
    END IF;
  END LOOP;

  INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
  SELECT v_tx, l.account_id, l.amount, a.currency
    FROM unnest(v_account_ids, p_amounts) AS l(account_id, amount)
    JOIN ledger_accounts a ON a.id = l.account_id;

  RETURN QUERY SELECT v_tx, false;
END $$;

-- Fold parked deltas into the cached balances, hot account by hot account in id order (the order ledger_post
-- locks in). Run by a job; a reader never needs it, since effective balance = balance + unfolded deltas.
CREATE FUNCTION ledger_fold(p_max_accounts int DEFAULT 1000) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_account bigint;
  v_sum bigint;
  v_folded int := 0;
BEGIN
  FOR v_account IN
    SELECT DISTINCT account_id FROM ledger_unfolded_deltas ORDER BY account_id LIMIT p_max_accounts
  LOOP
    PERFORM 1 FROM ledger_accounts WHERE id = v_account FOR UPDATE;
    WITH gone AS (DELETE FROM ledger_unfolded_deltas WHERE account_id = v_account RETURNING amount)
    SELECT coalesce(sum(amount), 0) INTO v_sum FROM gone;
    UPDATE ledger_accounts
       SET balance = balance + v_sum,
           restricted = restricted AND balance + v_sum < 0
     WHERE id = v_account;
    v_folded := v_folded + 1;
  END LOOP;
  RETURN v_folded;
END $$;
