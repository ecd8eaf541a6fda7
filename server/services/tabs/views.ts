import "server-only";
import { pool } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { chargedSeconds } from "@/server/domain/metering";
import { type TabStatus, creditsToMinor, tabProgress } from "@/server/domain/tabs";
import { getSetting } from "../settings/settings";
import { type TabRow, selectCharges, selectLiveTabOf, selectTab, selectTabPosition } from "./queries";

/** A tab as its member, its performer and admins see it: limit, accrued, left, charges and what was paid, live. */

export interface TabChargeView {
  seq: number;
  kind: "CAPTURE" | "SETTLEMENT";
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  credits: bigint;
  amountMinor: bigint;
  failure: string | null;
  at: Date;
}

export interface TabView {
  id: string;
  status: TabStatus;
  memberId: string;
  memberName: string;
  performerId: string;
  performerUsername: string;
  stageName: string;
  currency: string;
  creditPriceMinor: bigint;
  limitCredits: bigint;
  limitMinor: bigint;
  accrued: bigint;
  uncaptured: bigint;
  captured: bigint;
  /** Held for a show it pays, not charged yet. */
  held: bigint;
  /** Spendable now: the tab wallet's balance, the same number rooms show for the active wallet. */
  left: bigint;
  due: bigint;
  /** What the card (or another card) paid so far, in minor units. */
  paidMinor: bigint;
  splitThreshold: bigint | null;
  /** Billed seconds of the shows this tab paid. */
  chargeableSeconds: number;
  paymentMethodLabel: string | null;
  failure: string | null;
  closeReason: string | null;
  writeOffBearer: "PLATFORM" | "PERFORMER" | null;
  openedAt: Date | null;
  closedAt: Date | null;
  settleBy: Date | null;
  createdAt: Date;
  charges: TabChargeView[];
}

/** The show time the tab's shows were charged for (the minimum and started increments included), in seconds. */
async function chargeableSeconds(db: Queryable, tab: TabRow): Promise<number> {
  const { rows } = await db.query<{ billed: number; price_per_minute: string; free_seconds: number; minimum_minutes: number; increment_seconds: number }>(
    `SELECT max((t.metadata ->> 'billedSeconds')::int) AS billed, s.price_per_minute, s.free_seconds, s.minimum_minutes, s.increment_seconds
       FROM show_participants sp
       JOIN shows s ON s.id = sp.show_id
       JOIN ledger_transactions t ON t.kind = 'SHOW_CHARGE' AND t.metadata ->> 'participantId' = sp.id::text
      WHERE sp.member_id = $1 AND sp.wallet_type_id = 'tab' AND sp.joined_at >= $2 AND ($3::timestamptz IS NULL OR sp.joined_at <= $3)
      GROUP BY sp.id, s.id`,
    [tab.member_id, tab.opened_at ?? tab.created_at, tab.closed_at],
  );
  return rows.reduce(
    (sum, row) =>
      sum +
      chargedSeconds(row.billed, {
        pricePerMinute: BigInt(row.price_per_minute),
        freeSeconds: row.free_seconds,
        minimumMinutes: row.minimum_minutes,
        incrementSeconds: row.increment_seconds,
      }),
    0,
  );
}

export async function tabView(db: Queryable, tab: TabRow): Promise<TabView> {
  const [names, position, charges, seconds] = await Promise.all([
    db.query<{ display_name: string; username: string; stage_name: string | null }>(
      "SELECT m.display_name, p.username, pp.stage_name FROM users m, users p LEFT JOIN performer_profiles pp ON pp.user_id = p.id WHERE m.id = $1 AND p.id = $2",
      [tab.member_id, tab.performer_id],
    ),
    selectTabPosition(db, tab),
    selectCharges(db, tab.id),
    chargeableSeconds(db, tab),
  ]);
  const who = names.rows[0];
  const progress = tabProgress(position);
  const price = BigInt(tab.credit_price_minor);
  return {
    id: tab.id,
    status: tab.status,
    memberId: tab.member_id,
    memberName: who?.display_name ?? "",
    performerId: tab.performer_id,
    performerUsername: who?.username ?? "",
    stageName: who?.stage_name ?? "",
    currency: tab.currency,
    creditPriceMinor: price,
    limitCredits: BigInt(tab.limit_credits),
    limitMinor: creditsToMinor(BigInt(tab.limit_credits), price),
    accrued: progress.accrued,
    uncaptured: tab.status === "PAYMENT_DUE" || tab.status === "WRITTEN_OFF" ? 0n : progress.uncaptured,
    captured: BigInt(tab.captured_credits),
    held: position.heldCredits,
    left: position.walletCredits,
    due: BigInt(tab.due_credits),
    paidMinor: charges.filter((charge) => charge.status === "SUCCEEDED").reduce((sum, charge) => sum + BigInt(charge.amount_minor), 0n),
    splitThreshold: tab.split_threshold === null ? null : BigInt(tab.split_threshold),
    chargeableSeconds: seconds,
    paymentMethodLabel: tab.payment_method_label,
    failure: tab.failure,
    closeReason: tab.close_reason,
    writeOffBearer: tab.write_off_bearer,
    openedAt: tab.opened_at,
    closedAt: tab.closed_at,
    settleBy: tab.settle_by,
    createdAt: tab.created_at,
    charges: charges.map((charge) => ({
      seq: charge.seq,
      kind: charge.kind,
      status: charge.status,
      credits: BigInt(charge.credits),
      amountMinor: BigInt(charge.amount_minor),
      failure: charge.failure,
      at: charge.settled_at ?? charge.created_at,
    })),
  };
}

export type TabViewer = { id: string; role: "MEMBER" | "PERFORMER" | "ADMIN" };

/** One tab, for its member, its performer or an admin; anyone else is told it does not exist. */
export async function tabFor(viewer: TabViewer, tabId: string): Promise<TabView> {
  const tab = await selectTab(pool, tabId);
  const mayView = tab && (viewer.role === "ADMIN" || tab.member_id === viewer.id || tab.performer_id === viewer.id);
  if (!tab || !mayView) throw new DomainError("NOT_FOUND", "That tab does not exist.");
  return tabView(pool, tab);
}

/** The member's live tab (opening, open, closing or owed), if any. */
export async function myLiveTab(memberId: string): Promise<TabView | null> {
  const tab = await selectLiveTabOf(pool, memberId);
  return tab ? tabView(pool, tab) : null;
}

export async function myTabs(memberId: string): Promise<TabView[]> {
  const { rows } = await pool.query<TabRow>("SELECT * FROM card_tabs WHERE member_id = $1 ORDER BY created_at DESC LIMIT 20", [memberId]);
  return Promise.all(rows.map((row) => tabView(pool, row)));
}

/** The tabs members opened with a performer, live ones first. */
export async function performerTabs(performerId: string): Promise<TabView[]> {
  const { rows } = await pool.query<TabRow>(
    `SELECT * FROM card_tabs WHERE performer_id = $1 AND status <> 'CANCELED'
      ORDER BY (live_member_id IS NOT NULL) DESC, created_at DESC LIMIT 50`,
    [performerId],
  );
  return Promise.all(rows.map((row) => tabView(pool, row)));
}

export async function adminTabs(status: TabStatus | null): Promise<TabView[]> {
  const { rows } = await pool.query<TabRow>(
    `SELECT * FROM card_tabs WHERE ($1::"CardTabStatus" IS NULL OR status = $1::"CardTabStatus") ORDER BY created_at DESC LIMIT 100`,
    [status],
  );
  return Promise.all(rows.map((row) => tabView(pool, row)));
}

/** What a member may choose when opening a tab, and who bears a written-off tab (for the performer's confirmation). */
export async function tabTerms(): Promise<{
  minLimitMinor: bigint;
  maxLimitMinor: bigint;
  currency: string;
  creditPriceMinor: bigint;
  writeOffBorneBy: "PLATFORM" | "PERFORMER";
}> {
  const [tabs, store] = await Promise.all([getSetting(pool, "tabs"), getSetting(pool, "store")]);
  return {
    minLimitMinor: tabs.minLimitMinor,
    maxLimitMinor: tabs.maxLimitMinor,
    currency: store.currency,
    creditPriceMinor: store.creditPriceMinor,
    writeOffBorneBy: tabs.writeOffBorneBy,
  };
}
