import "server-only";
import { pool } from "@/server/db/client";
import { withTransaction } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import type { AddExchangeRate } from "@/server/domain/exchange";
import { formatRate } from "@/server/domain/wallets";
import { recordAudit } from "@/server/services/audit/record";

/** The exchange-rate schedule: every version of every pair, added by admins and never edited, like the commission schedule. */

export interface ExchangeRateRow {
  id: bigint;
  fromCurrency: string;
  toCurrency: string;
  rateE8: bigint;
  /** "1 CRD = 0.09 USD". */
  rateWords: string;
  feeBps: number;
  effectiveFrom: Date;
  createdAt: Date;
  createdBy: { id: string; displayName: string } | null;
}

export interface ExchangeCurrency {
  code: string;
  name: string;
  exponent: number;
  active: boolean;
}

/** Every rate ever set, newest effective-from first. */
export async function listExchangeRates(): Promise<ExchangeRateRow[]> {
  const { rows } = await pool.query<{
    id: string;
    from_currency: string;
    to_currency: string;
    rate_e8: string;
    fee_bps: number;
    effective_from: Date;
    created_at: Date;
    created_by_id: string | null;
    created_by_name: string | null;
  }>(
    `SELECT r.id, r.from_currency, r.to_currency, r.rate_e8, r.fee_bps, r.effective_from, r.created_at,
            r.created_by_id, u.display_name AS created_by_name
       FROM exchange_rates r LEFT JOIN users u ON u.id = r.created_by_id
      ORDER BY r.effective_from DESC, r.id DESC`,
  );
  return rows.map((row) => {
    const rateE8 = BigInt(row.rate_e8);
    return {
      id: BigInt(row.id),
      fromCurrency: row.from_currency,
      toCurrency: row.to_currency,
      rateE8,
      rateWords: formatRate(rateE8, row.from_currency, row.to_currency),
      feeBps: row.fee_bps,
      effectiveFrom: row.effective_from,
      createdAt: row.created_at,
      createdBy: row.created_by_id && row.created_by_name !== null ? { id: row.created_by_id, displayName: row.created_by_name } : null,
    };
  });
}

/** The currencies a rate may name, for the admin form. */
export async function listExchangeCurrencies(): Promise<ExchangeCurrency[]> {
  const { rows } = await pool.query<ExchangeCurrency>("SELECT code, name, exponent, active FROM currencies ORDER BY code = 'CRD' DESC, code");
  return rows;
}

/**
 * An admin adds a rate (a new row; rows are never edited) from now or a later time, with its audit row in the same
 * transaction. The input is addExchangeRateSchema's output: the tRPC edge has read the rate's text exactly.
 */
export async function addExchangeRate(adminId: string, input: AddExchangeRate): Promise<{ id: bigint; effectiveFrom: Date }> {
  const { fromCurrency, toCurrency, rate, feeBps, effectiveFrom } = input;
  return withTransaction(pool, async (db) => {
    const known = await db.query<{ code: string }>("SELECT code FROM currencies WHERE code = ANY ($1::text[])", [[fromCurrency, toCurrency]]);
    for (const code of [fromCurrency, toCurrency]) {
      if (!known.rows.some((row) => row.code === code)) throw new DomainError("NOT_FOUND", `There is no currency ${code}.`);
    }
    const { rows } = await db.query<{ id: string; effective_from: Date }>(
      `INSERT INTO exchange_rates (from_currency, to_currency, rate_e8, fee_bps, effective_from, created_by_id)
       SELECT $1, $2, $3, $4, coalesce($5::timestamptz, now()), $6::uuid
        WHERE coalesce($5::timestamptz, now()) >= now()
       RETURNING id, effective_from`,
      [fromCurrency, toCurrency, rate.toString(), feeBps, effectiveFrom ?? null, adminId],
    );
    const row = rows[0];
    if (!row) throw new DomainError("BAD_REQUEST", "A new rate cannot start in the past.");
    await recordAudit(db, {
      actorId: adminId,
      action: "exchange_rate.add",
      target: { type: "exchange_rate", id: row.id },
      details: { fromCurrency, toCurrency, rateE8: rate.toString(), feeBps, effectiveFrom: row.effective_from },
    });
    return { id: BigInt(row.id), effectiveFrom: row.effective_from };
  });
}
