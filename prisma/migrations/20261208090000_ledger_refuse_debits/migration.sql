-- post() writes a common posting (up to a few legs, no hot guarded debit) in one statement sent from the app
-- instead of through ledger_post (see server/ledger/post.ts), and a tip's statement writes the common tip itself
-- instead of through ledger_sale (server/services/tips/tips.ts). Such a statement cannot RAISE, so when a guarded
-- debit in it is refused it calls this, which words the refusal exactly as ledger_post does and, by raising, takes back
-- every row the statement wrote. The accounts come in id order, the order ledger_post's loop checks them in.
CREATE FUNCTION ledger_refuse_debits(p_account_ids bigint[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_code text;
  v_restricted boolean;
BEGIN
  SELECT a.code, a.balance < 0 INTO v_code, v_restricted
    FROM ledger_accounts a WHERE a.id = p_account_ids[1];
  IF v_restricted THEN
    RAISE EXCEPTION 'account % is restricted until its negative balance is settled', v_code USING ERRCODE = 'TM005';
  END IF;
  RAISE EXCEPTION 'insufficient funds in %', v_code USING ERRCODE = 'TM001';
END $$;
