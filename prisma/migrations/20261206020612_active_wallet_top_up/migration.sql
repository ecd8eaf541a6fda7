-- CreateEnum
CREATE TYPE "TopUpKind" AS ENUM ('AUTO', 'MANUAL');

-- CreateEnum
CREATE TYPE "TopUpOutcome" AS ENUM ('POSTED', 'SHORT_OF_FUNDS', 'DAILY_LIMIT');

-- AlterTable
ALTER TABLE "show_participants" ADD COLUMN     "wallet_type_id" TEXT NOT NULL DEFAULT 'credits';

-- AlterTable
ALTER TABLE "wallet_preferences" ADD COLUMN     "auto_top_up_armed" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "wallet_top_ups" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "TopUpKind" NOT NULL,
    "outcome" "TopUpOutcome" NOT NULL,
    "day" DATE NOT NULL,
    "from_wallet_type_id" TEXT NOT NULL,
    "to_wallet_type_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "transaction_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_top_ups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "wallet_top_ups_user_id_day_idx" ON "wallet_top_ups"("user_id", "day");

-- AddForeignKey
ALTER TABLE "wallet_top_ups" ADD CONSTRAINT "wallet_top_ups_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "show_participants" ADD CONSTRAINT "show_participants_wallet_type_id_fkey" FOREIGN KEY ("wallet_type_id") REFERENCES "wallet_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The active wallet (issue 13, point 5). A member's meter is paid from the wallet that was active when they asked
-- for or joined the show (show_participants.wallet_type_id; existing meters were all paid from Credits, the
-- default). show_meter_plan reads that wallet's account instead of the Credits (AVAILABLE) one, and
-- show_meter_settle locks it; the rest of both functions is unchanged (latest versions: show_hold_ahead for the
-- plan, show_totals for the settlement). The wallet is CRD by the rule the join checks (mayPay SHOWS), so every
-- leg stays in credits.

ALTER TABLE "wallet_preferences"
  ADD CONSTRAINT "wallet_preferences_top_up_whole" CHECK (
    (auto_top_up_source_id IS NULL AND auto_top_up_below IS NULL AND auto_top_up_amount IS NULL)
    OR (auto_top_up_source_id IS NOT NULL AND auto_top_up_below IS NOT NULL AND auto_top_up_amount IS NOT NULL));

ALTER TABLE "wallet_top_ups" ADD CONSTRAINT "wallet_top_ups_amount" CHECK (amount > 0);

CREATE OR REPLACE FUNCTION show_meter_plan(
  p_show_ids uuid[], p_at timestamptz, p_end_reason text, p_only_member uuid,
  p_stale_seconds int, p_offline_timeout_seconds int, p_low_balance_seconds int
) RETURNS TABLE (
  participant_id uuid, show_id uuid, member_id uuid, performer_id uuid, show_kind "ShowKind", available_id bigint,
  settled bigint, held bigint, metered bigint, billed bigint, seconds_left bigint,
  charge bigint, from_held bigint, from_available bigint, release bigint,
  end_reason text, paused boolean, resumed boolean, keeps_running boolean,
  low_balance_at timestamptz, low_balance_flagged boolean, top_up bigint, changed boolean
) LANGUAGE sql STABLE SET plan_cache_mode = force_custom_plan AS $$
  WITH wanted AS (
    SELECT DISTINCT w.id FROM unnest(p_show_ids) AS w(id)
  ), base AS MATERIALIZED (
    SELECT p.id AS participant_id, p.show_id, p.member_id, s.performer_id, s.kind AS show_kind,
           s.price_per_minute AS price, s.free_seconds, s.minimum_minutes, s.increment_seconds, s.settle_threshold,
           p.metered_seconds, p.running_since, p.settled, p.held, p.low_balance_at, av.id AS available_id,
           CASE WHEN av.restricted THEN 0 ELSE greatest(av.balance, 0) END AS spendable,
           s.started_at IS NOT NULL AND NOT s.performer_paused AS meter_on,
           coalesce(s.performer_seen_at >= p_at - make_interval(secs => p_stale_seconds), false)
             AND coalesce(p.member_seen_at >= p_at - make_interval(secs => p_stale_seconds), false) AS both_present,
           coalesce(s.performer_seen_at < p_at - make_interval(secs => p_offline_timeout_seconds), true) AS performer_gone,
           coalesce(p.member_seen_at < p_at - make_interval(secs => p_offline_timeout_seconds), true) AS member_gone,
           least(s.performer_seen_at, p.member_seen_at) AS both_seen_at
      FROM wanted w
      JOIN shows s ON s.id = w.id AND s.status = 'LIVE'
      JOIN show_participants p ON p.show_id = s.id AND p.status = 'ACTIVE'
      JOIN ledger_accounts av ON av.owner_id = p.member_id AND av.wallet_type_id = p.wallet_type_id
     WHERE p_only_member IS NULL OR p.member_id = p_only_member
  ), timed AS MATERIALIZED (
    SELECT b.*,
           b.running_since IS NOT NULL AS was_running,
           b.meter_on AND b.both_present AS may_run,
           least(2147483647, b.metered_seconds + CASE WHEN b.running_since IS NULL THEN 0 ELSE greatest(0, floor(extract(epoch FROM
             CASE WHEN b.both_present THEN p_at ELSE greatest(b.running_since, least(p_at, b.both_seen_at)) END
             - b.running_since)))::bigint END) AS metered,
           (b.settled + b.held + b.spendable)::bigint AS budget
      FROM base b
  ), priced AS MATERIALIZED (
    SELECT t.*,
           show_affordable_seconds(t.budget, t.price, t.free_seconds, t.minimum_minutes, t.increment_seconds) AS affordable
      FROM timed t
  ), decided AS MATERIALIZED (
    SELECT pr.*,
           coalesce(p_end_reason,
             CASE WHEN pr.performer_gone THEN 'performer_offline'
                  WHEN pr.member_gone THEN 'member_offline'
                  WHEN (pr.was_running OR pr.may_run) AND pr.metered >= pr.affordable THEN 'funds_exhausted' END) AS end_reason,
           least(pr.metered, pr.affordable) AS billed
      FROM priced pr
  ), owed AS MATERIALIZED (
    SELECT d.*,
           greatest(0, show_charge_for(d.billed, d.price, d.free_seconds, d.minimum_minutes, d.increment_seconds) - d.settled) AS unposted
      FROM decided d
  ), charged AS (
    SELECT o.*,
           CASE WHEN o.end_reason IS NOT NULL OR (o.unposted > 0 AND o.unposted >= o.settle_threshold) THEN o.unposted ELSE 0 END AS charge,
           o.end_reason IS NULL AND o.may_run AND greatest(0, o.affordable - o.metered) <= p_low_balance_seconds AS low_now,
           least(2147483647, o.metered + greatest(60, o.increment_seconds)) AS ahead_seconds
      FROM owed o
  ), split AS MATERIALIZED (
    SELECT ch.*, least(ch.charge, ch.held) AS takes_held, ch.charge - least(ch.charge, ch.held) AS takes_available,
           greatest(0, show_charge_for(ch.ahead_seconds, ch.price, ch.free_seconds, ch.minimum_minutes, ch.increment_seconds)
                       - ch.settled - ch.charge) AS hold_target
      FROM charged ch
  ), c AS (
    SELECT sp.*,
           CASE WHEN sp.end_reason IS NULL
                THEN greatest(0, least(sp.hold_target - (sp.held - sp.takes_held), sp.spendable - sp.takes_available))
                ELSE 0 END AS top_up
      FROM split sp
  )
  SELECT c.participant_id, c.show_id, c.member_id, c.performer_id, c.show_kind, c.available_id,
         c.settled, c.held, c.metered, c.billed, greatest(0, c.affordable - c.metered) AS seconds_left,
         c.charge, least(c.charge, c.held) AS from_held, c.charge - least(c.charge, c.held) AS from_available,
         CASE WHEN c.end_reason IS NOT NULL THEN c.held - least(c.charge, c.held) ELSE 0 END AS release,
         c.end_reason,
         c.end_reason IS NULL AND c.was_running AND NOT c.may_run AS paused,
         c.end_reason IS NULL AND NOT c.was_running AND c.may_run AS resumed,
         c.end_reason IS NULL AND c.may_run AS keeps_running,
         CASE WHEN c.low_now THEN coalesce(c.low_balance_at, p_at) END AS low_balance_at,
         c.low_now AND c.low_balance_at IS NULL AS low_balance_flagged,
         c.top_up,
         c.charge > 0 OR c.top_up > 0 OR c.end_reason IS NOT NULL OR c.was_running <> (c.end_reason IS NULL AND c.may_run)
           OR (CASE WHEN c.low_now THEN coalesce(c.low_balance_at, p_at) END) IS DISTINCT FROM c.low_balance_at AS changed
    FROM c
$$;

CREATE OR REPLACE FUNCTION show_meter_settle(
  p_show_ids uuid[], p_at timestamptz, p_end_reason text, p_only_member uuid, p_actor_id uuid,
  p_stale_seconds int, p_offline_timeout_seconds int, p_low_balance_seconds int,
  p_hold_days_private int, p_hold_days_group int
) RETURNS TABLE (
  show_id uuid, participant_id uuid, member_id uuid, performer_id uuid, charged bigint, released bigint,
  metered_seconds bigint, seconds_left bigint, end_reason text, paused boolean, resumed boolean, low_balance boolean,
  topped_up bigint
) LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
#variable_conflict use_column
DECLARE
  v_at timestamptz := coalesce(p_at, now());
  v_row record;
BEGIN
  IF coalesce(cardinality(p_show_ids), 0) = 0 THEN
    RETURN;
  END IF;

  PERFORM 1 FROM ledger_accounts a
    JOIN show_participants sp ON sp.member_id = a.owner_id AND a.wallet_type_id = sp.wallet_type_id
    JOIN unnest(p_show_ids) AS w(id) ON w.id = sp.show_id
   WHERE sp.status = 'ACTIVE' AND (p_only_member IS NULL OR sp.member_id = p_only_member)
   ORDER BY a.id
   FOR UPDATE OF a;

  FOR v_row IN
    WITH plan AS MATERIALIZED (
      SELECT * FROM show_meter_plan(p_show_ids, v_at, p_end_reason, p_only_member, p_stale_seconds, p_offline_timeout_seconds, p_low_balance_seconds)
       WHERE changed
    ), rates AS (
      SELECT k.performer_id, k.show_kind, r.performer_share_bps
        FROM (SELECT DISTINCT pl.performer_id, pl.show_kind FROM plan pl WHERE pl.charge > 0) k
        LEFT JOIN LATERAL (
          SELECT cr.performer_share_bps FROM commission_rates cr
           WHERE cr.kind = (CASE k.show_kind WHEN 'PRIVATE' THEN 'PRIVATE_SHOW' ELSE 'GROUP_SHOW' END)::"SaleKind"
             AND (cr.performer_id = k.performer_id OR cr.performer_id IS NULL) AND cr.effective_from <= now()
           ORDER BY cr.performer_id IS NULL, cr.effective_from DESC, cr.id DESC
           LIMIT 1
        ) r ON true
    ), moving AS MATERIALIZED (
      SELECT pl.*, r.performer_share_bps AS rate_bps,
             CASE pl.show_kind WHEN 'PRIVATE' THEN 'PRIVATE_SHOW' ELSE 'GROUP_SHOW' END AS sale_kind,
             coalesce(pl.charge * r.performer_share_bps / 10000, 0) AS performer_share,
             hd.id AS held_id, pend.id AS pending_id, pp.stage_name
        FROM plan pl
        LEFT JOIN rates r ON r.performer_id = pl.performer_id AND r.show_kind = pl.show_kind
        JOIN ledger_accounts hd ON hd.owner_id = pl.member_id AND hd.type = 'HELD' AND hd.currency = 'CRD'
        JOIN ledger_accounts pend ON pend.owner_id = pl.performer_id AND pend.type = 'PENDING' AND pend.currency = 'CRD'
        JOIN performer_profiles pp ON pp.user_id = pl.performer_id
       WHERE pl.charge > 0 OR pl.release > 0 OR pl.top_up > 0
    ), postings AS (
      SELECT m.participant_id, m.member_id, m.performer_id, m.sale_kind, 1 AS ord,
             'SHOW_CHARGE'::"TransactionKind" AS kind,
             'show-charge:' || m.participant_id || ':' || (m.settled + m.charge) AS idempotency_key,
             m.charge AS amount, m.performer_share,
             CASE m.show_kind WHEN 'PRIVATE' THEN 'Private show with ' ELSE 'Group show with ' END || m.stage_name AS description,
             jsonb_build_object(
               'saleKind', m.sale_kind, 'performerId', m.performer_id, 'amount', m.charge::text,
               'performerShare', m.performer_share::text, 'platformShare', (m.charge - m.performer_share)::text,
               'rateBps', m.rate_bps, 'showId', m.show_id, 'participantId', m.participant_id,
               'stageName', m.stage_name, 'billedSeconds', m.billed,
               'fromHeld', m.from_held::text, 'fromAvailable', m.from_available::text, 'toppedUp', m.top_up::text) AS metadata,
             m.held_id, m.top_up - m.from_held AS held_amount, m.available_id, -m.from_available - m.top_up AS available_amount,
             m.pending_id, m.performer_share AS pending_amount, m.charge - m.performer_share AS revenue_amount
        FROM moving m WHERE m.charge > 0
      UNION ALL
      SELECT m.participant_id, m.member_id, m.performer_id, m.sale_kind, 2,
             'SHOW_HOLD'::"TransactionKind",
             'show-release:' || m.participant_id,
             m.release, 0,
             'Unused show hold returned',
             jsonb_build_object('showId', m.show_id, 'participantId', m.participant_id, 'amount', m.release::text,
                                'stageName', m.stage_name),
             m.held_id, -m.release, m.available_id, m.release, m.pending_id, 0, 0
        FROM moving m WHERE m.release > 0
      UNION ALL
      SELECT m.participant_id, m.member_id, m.performer_id, m.sale_kind, 3,
             'SHOW_HOLD'::"TransactionKind",
             'show-hold:' || m.participant_id || ':' || (m.settled + m.charge + m.held - m.from_held + m.top_up),
             m.top_up, 0,
             'Held for a show with ' || m.stage_name,
             jsonb_build_object('showId', m.show_id, 'participantId', m.participant_id, 'amount', m.top_up::text,
                                'stageName', m.stage_name),
             m.held_id, m.top_up, m.available_id, -m.top_up, m.pending_id, 0, 0
        FROM moving m WHERE m.top_up > 0 AND m.charge = 0
    ), tx AS (
      INSERT INTO ledger_transactions (kind, idempotency_key, request_hash, actor_id, description, metadata)
      SELECT po.kind, po.idempotency_key, md5(po.idempotency_key || ':' || po.amount), po.member_id, po.description, po.metadata
        FROM postings po ORDER BY po.participant_id, po.ord
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id, idempotency_key
    ), posted AS MATERIALIZED (
      SELECT tx.id AS transaction_id, po.* FROM tx JOIN postings po ON po.idempotency_key = tx.idempotency_key
    ), legs AS MATERIALIZED (
      SELECT ps.transaction_id, l.account_id, l.amount
        FROM posted ps
        CROSS JOIN LATERAL (VALUES
          (ps.held_id, ps.held_amount), (ps.available_id, ps.available_amount),
          (ps.pending_id, ps.pending_amount), ((SELECT a.id FROM ledger_accounts a WHERE a.code = 'system:revenue:CRD'), ps.revenue_amount)
        ) AS l(account_id, amount)
       WHERE l.amount <> 0
    ), entries AS (
      INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
      SELECT lg.transaction_id, lg.account_id, lg.amount, 'CRD' FROM legs lg ORDER BY lg.transaction_id
    ), net AS MATERIALIZED (
      SELECT lg.account_id, sum(lg.amount)::bigint AS amount, a.hot, a.guarded
        FROM legs lg JOIN ledger_accounts a ON a.id = lg.account_id
       GROUP BY lg.account_id, a.hot, a.guarded HAVING sum(lg.amount) <> 0
    ), cold AS (
      UPDATE ledger_accounts a
         SET balance = a.balance + n.amount, restricted = a.restricted AND a.balance + n.amount < 0
        FROM net n
       WHERE a.id = n.account_id AND NOT n.hot AND (NOT n.guarded OR n.amount > 0 OR a.balance + n.amount >= 0)
      RETURNING a.id
    ), hot AS (
      INSERT INTO ledger_unfolded_deltas (account_id, amount)
      SELECT n.account_id, n.amount FROM net n WHERE n.hot AND NOT (n.guarded AND n.amount < 0)
      RETURNING account_id
    ), lots AS (
      INSERT INTO earnings_lots (performer_id, sale_kind, transaction_id, amount, remaining, matures_at)
      SELECT ps.performer_id, ps.sale_kind::"SaleKind", ps.transaction_id, ps.performer_share, ps.performer_share,
             now() + make_interval(days => CASE ps.sale_kind WHEN 'PRIVATE_SHOW' THEN p_hold_days_private ELSE p_hold_days_group END)
        FROM posted ps
       WHERE ps.kind = 'SHOW_CHARGE' AND ps.performer_share > 0
    ), updated AS (
      UPDATE show_participants sp
         SET settled = sp.settled + pl.charge,
             held = sp.held - pl.from_held - pl.release + pl.top_up,
             metered_seconds = CASE WHEN pl.end_reason IS NOT NULL THEN pl.billed
                                    WHEN pl.paused THEN pl.metered ELSE sp.metered_seconds END,
             running_since = CASE WHEN pl.keeps_running THEN coalesce(sp.running_since, v_at) END,
             low_balance_at = pl.low_balance_at,
             status = CASE WHEN pl.end_reason IS NOT NULL THEN 'ENDED'::"ParticipantStatus" ELSE sp.status END,
             ended_at = CASE WHEN pl.end_reason IS NOT NULL THEN v_at ELSE sp.ended_at END,
             end_reason = coalesce(pl.end_reason, sp.end_reason)
        FROM plan pl
       WHERE sp.id = pl.participant_id
      RETURNING sp.id
    ), checks AS (
      SELECT (SELECT count(*) FROM updated) AS participants_updated,
             (SELECT count(*) FROM plan) AS participants_planned,
             (SELECT count(*) FROM cold) + (SELECT count(*) FROM hot) AS accounts_changed,
             (SELECT count(*) FROM net) AS accounts_to_change,
             (SELECT count(*) FROM moving m WHERE m.charge > 0 AND m.rate_bps IS NULL) AS missing_rates
    )
    SELECT pl.show_id, pl.participant_id, pl.member_id, pl.performer_id, pl.charge, pl.release,
           CASE WHEN pl.end_reason IS NOT NULL THEN pl.billed ELSE pl.metered END AS metered, pl.seconds_left,
           pl.end_reason, pl.paused, pl.resumed, pl.low_balance_flagged, pl.top_up, ch.*
      FROM plan pl CROSS JOIN checks ch
  LOOP
    IF v_row.missing_rates > 0 THEN
      RAISE EXCEPTION 'no commission rate is set for show %', v_row.show_id USING ERRCODE = 'TM020';
    END IF;
    IF v_row.accounts_changed <> v_row.accounts_to_change OR v_row.participants_updated <> v_row.participants_planned THEN
      RAISE EXCEPTION 'show settlement would overdraw a guarded account' USING ERRCODE = 'TM001';
    END IF;
    show_id := v_row.show_id;
    participant_id := v_row.participant_id;
    member_id := v_row.member_id;
    performer_id := v_row.performer_id;
    charged := v_row.charge;
    released := v_row.release;
    metered_seconds := v_row.metered;
    seconds_left := v_row.seconds_left;
    end_reason := v_row.end_reason;
    paused := v_row.paused;
    resumed := v_row.resumed;
    low_balance := v_row.low_balance_flagged;
    topped_up := v_row.top_up;
    RETURN NEXT;
  END LOOP;

  FOR v_row IN
    UPDATE shows s
       SET status = 'ENDED', ended_at = v_at,
           end_reason = coalesce(
             CASE WHEN p_only_member IS NULL THEN p_end_reason END,
             CASE WHEN coalesce(s.performer_seen_at < v_at - make_interval(secs => p_offline_timeout_seconds), true) THEN 'performer_offline' END,
             (SELECT sp.end_reason FROM show_participants sp WHERE sp.show_id = s.id ORDER BY sp.ended_at DESC NULLS LAST LIMIT 1)),
           member_count = totals.members, charged = totals.charged, metered_seconds = totals.metered_seconds,
           performer_share = show_performer_share(s.id)
      FROM unnest(p_show_ids) AS w(id)
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS members, coalesce(sum(sp.settled), 0)::bigint AS charged,
               coalesce(sum(sp.metered_seconds), 0)::bigint AS metered_seconds
          FROM show_participants sp WHERE sp.show_id = w.id
      ) totals
     WHERE s.id = w.id AND s.status = 'LIVE'
       AND ((p_end_reason IS NOT NULL AND p_only_member IS NULL)
            OR coalesce(s.performer_seen_at < v_at - make_interval(secs => p_offline_timeout_seconds), true)
            OR (s.kind = 'PRIVATE' AND NOT EXISTS (SELECT 1 FROM show_participants sp WHERE sp.show_id = s.id AND sp.status = 'ACTIVE')))
    RETURNING s.id, s.performer_id, s.end_reason, s.member_count, s.charged, s.metered_seconds, s.performer_share
  LOOP
    INSERT INTO audit_log (actor_id, action, target_type, target_id, details)
    VALUES (p_actor_id, 'show.ended', 'show', v_row.id::text, jsonb_build_object(
             'reason', v_row.end_reason,
             'members', v_row.member_count,
             'charged', v_row.charged::text,
             'meteredSeconds', v_row.metered_seconds,
             'performerShare', v_row.performer_share::text));
    show_id := v_row.id;
    participant_id := NULL;
    member_id := NULL;
    performer_id := v_row.performer_id;
    charged := 0;
    released := 0;
    metered_seconds := NULL;
    seconds_left := NULL;
    end_reason := v_row.end_reason;
    paused := false;
    resumed := false;
    low_balance := false;
    topped_up := 0;
    RETURN NEXT;
  END LOOP;
END $$;
