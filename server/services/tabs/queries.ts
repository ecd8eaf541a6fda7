import "server-only";
import type { Queryable } from "@/server/db/transaction";
import { userAccount } from "@/server/domain/ledger";
import { type TabPosition, type TabSale, type TabStatus, canMoveTab } from "@/server/domain/tabs";

/** The SQL of card tabs: rows, their position in the ledger, their charges and their sales. */

export interface TabRow {
  id: string;
  member_id: string;
  performer_id: string;
  status: TabStatus;
  currency: string;
  credit_price_minor: string;
  limit_credits: string;
  split_threshold: string | null;
  customer_ref: string | null;
  payment_method_ref: string | null;
  payment_method_label: string | null;
  opening_checkout_id: string | null;
  authorization_id: string | null;
  authorized_at: Date | null;
  settle_by: Date | null;
  captured_credits: string;
  due_credits: string;
  failure: string | null;
  write_off_bearer: "PLATFORM" | "PERFORMER" | null;
  close_reason: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
}

export interface ChargeRow {
  id: string;
  tab_id: string;
  seq: number;
  kind: "CAPTURE" | "SETTLEMENT";
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  credits: string;
  amount_minor: string;
  payment_id: string | null;
  checkout_session_id: string | null;
  failure: string | null;
  created_at: Date;
  settled_at: Date | null;
}

export async function selectTab(db: Queryable, tabId: string): Promise<TabRow | undefined> {
  const { rows } = await db.query<TabRow>("SELECT * FROM card_tabs WHERE id = $1", [tabId]);
  return rows[0];
}

/** Locks the tab: every change to a tab, and every start of a show it pays for, queues on this row. */
export async function lockTab(db: Queryable, tabId: string): Promise<TabRow | undefined> {
  const { rows } = await db.query<TabRow>("SELECT * FROM card_tabs WHERE id = $1 FOR UPDATE", [tabId]);
  return rows[0];
}

export async function selectLiveTabOf(db: Queryable, memberId: string, lock: "share" | null = null): Promise<TabRow | undefined> {
  const { rows } = await db.query<TabRow>(`SELECT * FROM card_tabs WHERE live_member_id = $1${lock === "share" ? " FOR SHARE" : ""}`, [memberId]);
  return rows[0];
}

export async function insertTab(
  db: Queryable,
  tab: { memberId: string; performerId: string; currency: string; creditPriceMinor: bigint; limitCredits: bigint; splitThreshold: bigint | null; customerRef: string },
): Promise<TabRow | undefined> {
  const { rows } = await db.query<TabRow>(
    `INSERT INTO card_tabs (id, member_id, live_member_id, performer_id, currency, credit_price_minor, limit_credits, split_threshold, customer_ref)
     VALUES (gen_random_uuid(), $1, $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (live_member_id) DO NOTHING
     RETURNING *`,
    [tab.memberId, tab.performerId, tab.currency, tab.creditPriceMinor.toString(), tab.limitCredits.toString(), tab.splitThreshold?.toString() ?? null, tab.customerRef],
  );
  return rows[0];
}

export async function setOpeningCheckout(db: Queryable, tabId: string, checkoutId: string): Promise<void> {
  await db.query("UPDATE card_tabs SET opening_checkout_id = $2, updated_at = now() WHERE id = $1", [tabId, checkoutId]);
}

export async function markTabOpen(
  db: Queryable,
  tabId: string,
  opened: { authorizationId: string; paymentMethodRef: string | null; paymentMethodLabel: string | null; settleBy: Date },
): Promise<void> {
  await db.query(
    `UPDATE card_tabs SET status = 'OPEN', authorization_id = $2, payment_method_ref = $3, payment_method_label = $4,
            authorized_at = now(), opened_at = now(), settle_by = $5, updated_at = now()
      WHERE id = $1`,
    [tabId, opened.authorizationId, opened.paymentMethodRef, opened.paymentMethodLabel, opened.settleBy],
  );
}

/** Moves a locked tab on; a move its state machine (canMoveTab) does not allow is a bug, refused before writing. */
export async function setTabStatus(
  db: Queryable,
  tab: { id: string; status: TabStatus },
  status: TabStatus,
  fields: { closeReason?: string; failure?: string | null; dueCredits?: bigint; writeOffBearer?: "PLATFORM" | "PERFORMER" } = {},
): Promise<void> {
  if (!canMoveTab(tab.status, status)) throw new Error(`card tab ${tab.id} cannot move from ${tab.status} to ${status}`);
  const finished = status === "CLOSED" || status === "CANCELED";
  await db.query(
    `UPDATE card_tabs
        SET status = $2::"CardTabStatus",
            live_member_id = CASE WHEN $3 THEN NULL ELSE live_member_id END,
            closed_at = CASE WHEN $3 THEN now() ELSE closed_at END,
            close_reason = coalesce($4, close_reason),
            failure = CASE WHEN $5 THEN $6 ELSE failure END,
            due_credits = coalesce($7::bigint, due_credits),
            write_off_bearer = coalesce($8::"DebtBearer", write_off_bearer),
            updated_at = now()
      WHERE id = $1`,
    [
      tab.id,
      status,
      finished,
      fields.closeReason ?? null,
      fields.failure !== undefined,
      fields.failure ?? null,
      fields.dueCredits?.toString() ?? null,
      fields.writeOffBearer ?? null,
    ],
  );
}

/** A closing tab's card refused its capture: what it accrued uncaptured is then owed, not captured. */
export async function setTabFailure(db: Queryable, tabId: string, failure: string): Promise<void> {
  await db.query("UPDATE card_tabs SET failure = $2, updated_at = now() WHERE id = $1", [tabId, failure]);
}

export async function addCaptured(db: Queryable, tabId: string, credits: bigint): Promise<void> {
  await db.query("UPDATE card_tabs SET captured_credits = captured_credits + $2, updated_at = now() WHERE id = $1", [tabId, credits.toString()]);
}

export async function replaceAuthorization(db: Queryable, tabId: string, authorizationId: string, settleBy: Date): Promise<void> {
  await db.query("UPDATE card_tabs SET authorization_id = $2, authorized_at = now(), settle_by = $3, updated_at = now() WHERE id = $1", [
    tabId,
    authorizationId,
    settleBy,
  ]);
}

/** Locks the member's tab wallet, so no sale spends it while a capture or a release is worked out. */
export async function lockTabWallet(db: Queryable, memberId: string): Promise<bigint> {
  const { rows } = await db.query<{ balance: string }>("SELECT balance FROM ledger_accounts WHERE code = $1 FOR UPDATE", [userAccount(memberId, "tab")]);
  const row = rows[0];
  if (!row) throw new Error(`member ${memberId} has no tab wallet`);
  return BigInt(row.balance);
}

/** Where the tab's limit is, read in one statement so a show charge moving held credits is seen whole or not at all. */
export async function selectTabPosition(db: Queryable, tab: TabRow): Promise<TabPosition> {
  const { rows } = await db.query<{ wallet: string; held: string; released: string; capturing: string }>(
    `SELECT (SELECT balance FROM ledger_accounts WHERE code = $2) AS wallet,
            (SELECT coalesce(sum(sp.held), 0) FROM show_participants sp
              WHERE sp.member_id = $3 AND sp.wallet_type_id = 'tab' AND sp.status = 'ACTIVE') AS held,
            (SELECT coalesce(sum(e.amount), 0) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
              JOIN ledger_accounts a ON a.id = e.account_id AND a.code = 'system:tab_receivable:CRD'
              WHERE t.idempotency_key = 'tab:' || $1::text || ':release') AS released,
            (SELECT coalesce(sum(c.credits), 0) FROM card_tab_charges c
              WHERE c.tab_id = $1::uuid AND c.kind = 'CAPTURE' AND c.status = 'PENDING') AS capturing`,
    [tab.id, userAccount(tab.member_id, "tab"), tab.member_id],
  );
  const row = rows[0];
  if (!row) throw new Error("tab position not read");
  const isCurrentTab = tab.status !== "CLOSED" && tab.status !== "CANCELED";
  return {
    limitCredits: BigInt(tab.limit_credits),
    releasedCredits: BigInt(row.released),
    // The member's tab wallet and show holds belong to their live tab only; a finished tab has handed them back.
    walletCredits: isCurrentTab ? BigInt(row.wallet) : 0n,
    heldCredits: isCurrentTab ? BigInt(row.held) : 0n,
    capturedCredits: BigInt(tab.captured_credits),
    capturingCredits: BigInt(row.capturing),
  };
}

export async function selectCharges(db: Queryable, tabId: string): Promise<ChargeRow[]> {
  const { rows } = await db.query<ChargeRow>("SELECT * FROM card_tab_charges WHERE tab_id = $1 ORDER BY seq", [tabId]);
  return rows;
}

export async function selectPendingCharge(db: Queryable, tabId: string, kind: "CAPTURE" | "SETTLEMENT"): Promise<ChargeRow | undefined> {
  const { rows } = await db.query<ChargeRow>("SELECT * FROM card_tab_charges WHERE tab_id = $1 AND kind = $2 AND status = 'PENDING' ORDER BY seq DESC LIMIT 1", [
    tabId,
    kind,
  ]);
  return rows[0];
}

export async function selectChargeBySeq(db: Queryable, tabId: string, seq: number): Promise<ChargeRow | undefined> {
  const { rows } = await db.query<ChargeRow>("SELECT * FROM card_tab_charges WHERE tab_id = $1 AND seq = $2", [tabId, seq]);
  return rows[0];
}

export async function insertCharge(
  db: Queryable,
  charge: { tabId: string; kind: "CAPTURE" | "SETTLEMENT"; credits: bigint; amountMinor: bigint; paymentId: string | null },
): Promise<ChargeRow> {
  const { rows } = await db.query<ChargeRow>(
    `INSERT INTO card_tab_charges (tab_id, seq, kind, credits, amount_minor, payment_id)
     VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM card_tab_charges WHERE tab_id = $1), $2::"CardTabChargeKind", $3, $4, $5)
     RETURNING *`,
    [charge.tabId, charge.kind, charge.credits.toString(), charge.amountMinor.toString(), charge.paymentId],
  );
  const row = rows[0];
  if (!row) throw new Error("tab charge not stored");
  return row;
}

export async function setChargeCheckout(db: Queryable, chargeId: string, checkoutSessionId: string): Promise<void> {
  await db.query("UPDATE card_tab_charges SET checkout_session_id = $2 WHERE id = $1", [chargeId, checkoutSessionId]);
}

export async function finishCharge(
  db: Queryable,
  chargeId: string,
  outcome: { status: "SUCCEEDED" | "FAILED"; failure?: string; paymentId?: string | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE card_tab_charges SET status = $2::"CardTabChargeStatus", failure = $3, payment_id = coalesce($4, payment_id), settled_at = now()
      WHERE id = $1 AND status = 'PENDING'`,
    [chargeId, outcome.status, outcome.failure ?? null, outcome.paymentId ?? null],
  );
  return rowCount === 1;
}

/** Charges stuck between the processor and the books (a crash after the capture call): picked up again by the sweep. */
export async function selectStalledCharges(db: Queryable, olderThanSeconds: number): Promise<ChargeRow[]> {
  const { rows } = await db.query<ChargeRow>(
    `SELECT * FROM card_tab_charges WHERE status = 'PENDING' AND kind = 'CAPTURE' AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT 100`,
    [olderThanSeconds],
  );
  return rows;
}

export async function selectOpenTabIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM card_tabs WHERE status = 'OPEN' ORDER BY settle_by LIMIT 1000");
  return rows.map((row) => row.id);
}

export async function selectSettlingTabIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM card_tabs WHERE status = 'SETTLING' ORDER BY updated_at LIMIT 100");
  return rows.map((row) => row.id);
}

export async function selectStaleOpenings(db: Queryable, olderThanMinutes: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM card_tabs WHERE status = 'OPENING' AND created_at < now() - make_interval(mins => $1) LIMIT 100",
    [olderThanMinutes],
  );
  return rows.map((row) => row.id);
}

/**
 * The sales a tab paid for, newest first: sales from the tab wallet (tips, payment requests) and the charges of
 * shows it paid, from its opening on. A member has one live tab at a time, so its lifetime bounds them.
 */
export async function selectTabSales(db: Queryable, tab: TabRow): Promise<TabSale[]> {
  const { rows } = await db.query<{ amount: string; performer_share: string }>(
    `SELECT (t.metadata ->> 'amount')::bigint AS amount, (t.metadata ->> 'performerShare')::bigint AS performer_share
       FROM ledger_transactions t
      WHERE t.created_at >= $1 AND (t.metadata ->> 'performerId') = $3::text AND t.metadata ? 'saleKind'
        AND (EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
                      WHERE e.transaction_id = t.id AND a.code = $2)
             OR (t.kind = 'SHOW_CHARGE' AND EXISTS (SELECT 1 FROM show_participants sp
                      WHERE sp.id::text = t.metadata ->> 'participantId' AND sp.member_id = $4 AND sp.wallet_type_id = 'tab')))
      ORDER BY t.id DESC`,
    [tab.opened_at ?? tab.created_at, userAccount(tab.member_id, "tab"), tab.performer_id, tab.member_id],
  );
  return rows.map((row) => ({ amount: BigInt(row.amount), performerShare: BigInt(row.performer_share) }));
}

export async function selectPaymentCustomer(db: Queryable, userId: string, gateway: string): Promise<string | undefined> {
  const { rows } = await db.query<{ reference: string }>("SELECT reference FROM payment_customers WHERE user_id = $1 AND gateway = $2", [userId, gateway]);
  return rows[0]?.reference;
}

export async function insertPaymentCustomer(db: Queryable, userId: string, gateway: string, reference: string): Promise<void> {
  await db.query("INSERT INTO payment_customers (user_id, gateway, reference) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [userId, gateway, reference]);
}

/** Which tab a processor's payment belongs to, by the charges and authorisations we stored. */
export async function selectTabOfPayment(db: Queryable, paymentId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM card_tabs WHERE authorization_id = $1
     UNION SELECT tab_id FROM card_tab_charges WHERE payment_id = $1 LIMIT 1`,
    [paymentId],
  );
  return rows[0]?.id;
}

export async function selectMemberActiveTabShow(db: Queryable, memberId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM show_participants WHERE member_id = $1 AND wallet_type_id = 'tab' AND status = 'ACTIVE' LIMIT 1", [memberId]);
  return rows.length > 0;
}

/**
 * An opened tab becomes the wallet that pays in rooms (unless the member tops up their active wallet
 * automatically: a tab can't be topped up, so their choice stands); a finished one hands that back to Credits.
 */
export async function makeTabActive(db: Queryable, memberId: string): Promise<void> {
  await db.query(
    `INSERT INTO wallet_preferences (user_id, active_wallet_type_id) VALUES ($1, 'tab')
     ON CONFLICT (user_id) DO UPDATE SET active_wallet_type_id = 'tab', updated_at = now()
      WHERE wallet_preferences.auto_top_up_source_id IS NULL`,
    [memberId],
  );
}

export async function handBackActiveWallet(db: Queryable, memberId: string): Promise<void> {
  await db.query(
    "UPDATE wallet_preferences SET active_wallet_type_id = 'credits', updated_at = now() WHERE user_id = $1 AND active_wallet_type_id = 'tab'",
    [memberId],
  );
}
