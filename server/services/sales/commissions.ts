import "server-only";
import { pool } from "@/server/db/client";
import { type Queryable, withTransaction } from "@/server/db/transaction";
import { SALE_KINDS, type ScheduledRate, type SetCommissionRateInput, effectiveRate, setCommissionRateSchema } from "@/server/domain/commission-schedule";
import { DomainError } from "@/server/domain/errors";
import type { SaleKind } from "@/server/generated/prisma/enums";
import { recordAudit } from "@/server/services/audit/record";

export { SALE_KINDS, setCommissionRateSchema, type SetCommissionRateInput };

export interface CommissionRateRow extends ScheduledRate {
  id: bigint;
  performerUsername: string | null;
  performerStageName: string | null;
  createdAt: Date;
}

interface RateRecord {
  id: string;
  kind: SaleKind;
  performer_id: string | null;
  performer_share_bps: number;
  effective_from: Date;
}

function toScheduledRate(row: RateRecord): ScheduledRate {
  return { kind: row.kind, performerId: row.performer_id, performerShareBps: row.performer_share_bps, effectiveFrom: row.effective_from };
}

/** An admin adds a rate (a new row; rows are never edited), with its audit row in the same transaction. */
export async function setCommissionRate(adminId: string, input: SetCommissionRateInput): Promise<{ id: bigint; effectiveFrom: Date }> {
  const { kind, performerUsername, performerShareBps, effectiveFrom, ...named } = setCommissionRateSchema.parse(input);
  return withTransaction(pool, async (db) => {
    let performerId = named.performerId;
    if (performerId || performerUsername) {
      const performer = await db.query<{ id: string }>(
        `SELECT id FROM users WHERE ($1::uuid IS NULL OR id = $1::uuid) AND ($2::text IS NULL OR username = lower($2)) AND role = 'PERFORMER'`,
        [performerId ?? null, performerUsername ?? null],
      );
      performerId = performer.rows[0]?.id;
      if (!performerId) throw new DomainError("NOT_FOUND", "No performer goes by that name.");
    }
    const { rows } = await db.query<{ id: string; effective_from: Date }>(
      `INSERT INTO commission_rates (kind, performer_id, performer_share_bps, effective_from, created_by_id)
       SELECT $1::"SaleKind", $2::uuid, $3, coalesce($4::timestamptz, now()), $5::uuid
        WHERE coalesce($4::timestamptz, now()) >= now()
       RETURNING id, effective_from`,
      [kind, performerId ?? null, performerShareBps, effectiveFrom ?? null, adminId],
    );
    const row = rows[0];
    if (!row) throw new DomainError("BAD_REQUEST", "A new rate cannot start in the past.");
    await recordAudit(db, {
      actorId: adminId,
      action: "commission.set",
      target: { type: "commission_rate", id: row.id },
      details: { kind, performerId: performerId ?? null, performerShareBps, effectiveFrom: row.effective_from },
    });
    return { id: BigInt(row.id), effectiveFrom: row.effective_from };
  });
}

/** Every rate ever set, newest effective-from first, with the performer it overrides for. */
export async function listCommissionSchedule(): Promise<CommissionRateRow[]> {
  const { rows } = await pool.query<RateRecord & { username: string | null; stage_name: string | null; created_at: Date }>(
    `SELECT r.id, r.kind, r.performer_id, r.performer_share_bps, r.effective_from, r.created_at, u.username, p.stage_name
       FROM commission_rates r
       LEFT JOIN users u ON u.id = r.performer_id
       LEFT JOIN performer_profiles p ON p.user_id = r.performer_id
      ORDER BY r.effective_from DESC, r.id DESC`,
  );
  return rows.map((row) => ({
    ...toScheduledRate(row),
    id: BigInt(row.id),
    performerUsername: row.username,
    performerStageName: row.stage_name,
    createdAt: row.created_at,
  }));
}

/**
 * The rate for a sale at the database's clock (inside a transaction, its start): the candidate rows come from
 * SQL, the choice from the pure `effectiveRate`.
 */
export async function resolveRate(db: Queryable, kind: SaleKind, performerId: string): Promise<ScheduledRate> {
  const { rows } = await db.query<RateRecord & { at: Date }>(
    `SELECT id, kind, performer_id, performer_share_bps, effective_from, now() AS at
       FROM commission_rates
      WHERE kind = $1::"SaleKind" AND (performer_id = $2 OR performer_id IS NULL) AND effective_from <= now()
      ORDER BY id`,
    [kind, performerId],
  );
  const at = rows[0]?.at;
  const rate = at ? effectiveRate(rows.map(toScheduledRate), kind, performerId, at) : null;
  if (!rate) throw new DomainError("PRECONDITION_FAILED", "No commission rate is set for this kind of sale yet.");
  return rate;
}
