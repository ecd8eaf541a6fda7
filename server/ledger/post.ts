import "server-only";
import { DomainError } from "@/server/domain/errors";
import { assertBalanced, reversalLegs, type Leg } from "@/server/domain/ledger";
import type { Queryable } from "@/server/db/transaction";
import type { TransactionKind } from "@/server/generated/prisma/enums";
import { requestHash } from "./request-hash";

export interface Posting {
  kind: TransactionKind;
  /** Client-generated or derived from the event; a retry with the same key returns the first result. */
  idempotencyKey: string;
  /** What the caller asked for, hashed to tell a retry from a different request under the same key. */
  request?: unknown;
  actorId: string | null;
  description: string;
  metadata?: Record<string, unknown>;
  reversesId?: bigint;
  legs: readonly Leg[];
  /** Clawbacks only: lets a guarded account go negative, which restricts it until settled. */
  allowOverdraft?: boolean;
}

export interface PostingResult {
  transactionId: bigint;
  replayed: boolean;
}

const LEDGER_ERRORS: Record<string, (message: string) => DomainError> = {
  TM001: () => new DomainError("INSUFFICIENT_FUNDS", "Not enough credits for this payment."),
  TM002: () => new DomainError("CONFLICT", "This request was already made with different details."),
  TM003: (message) => new DomainError("BAD_REQUEST", `The posting is not balanced: ${message}.`),
  TM004: () => new DomainError("NOT_FOUND", "An account of this payment does not exist."),
  TM005: () =>
    new DomainError("ACCOUNT_RESTRICTED", "Spending is paused until the negative balance of this wallet is settled."),
  TM006: (message) => new DomainError("BAD_REQUEST", message),
  TM010: (message) => new DomainError("FORBIDDEN", message),
  TM011: () => new DomainError("FORBIDDEN", "You cannot buy from yourself."),
  TM020: () => new DomainError("PRECONDITION_FAILED", "No commission rate is set for this kind of sale yet."),
  TM030: (message) => new DomainError("FORBIDDEN", message),
  TM031: (message) => new DomainError("BAD_REQUEST", `${message.charAt(0).toUpperCase()}${message.slice(1)}.`),
  TM032: (message) => new DomainError("PRECONDITION_FAILED", message),
  TM033: (message) => new DomainError("ACCOUNT_RESTRICTED", message),
  TM034: (message) => new DomainError("INSUFFICIENT_FUNDS", message),
};

/** Whether `error` is one of the ledger's own refusals (a SQLSTATE that mapLedgerError words). */
export function isLedgerError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && Object.hasOwn(LEDGER_ERRORS, code);
}

/** Turns the ledger's own SQLSTATEs into domain errors; anything else is rethrown untouched. */
export function mapLedgerError(error: unknown): never {
  const pgError = error as { code?: string; message?: string };
  const toDomain = pgError.code ? LEDGER_ERRORS[pgError.code] : undefined;
  if (toDomain) throw toDomain(pgError.message ?? "");
  throw error;
}

/**
 * Posts one balanced transaction in one round trip (the ledger_post function): idempotency, the guard on every
 * debited guarded account, the cached balances and the entries all change together or not at all.
 */
export async function post(db: Queryable, posting: Posting): Promise<PostingResult> {
  assertBalanced(posting.legs);
  const hash = requestHash(
    posting.request ?? { kind: posting.kind, legs: posting.legs, reversesId: posting.reversesId },
  );
  try {
    // A named statement: parsed and planned once per connection, not on every posting.
    const { rows } = await db.query<{ transaction_id: string; replayed: boolean }>({
      name: "ledger_post",
      text: `SELECT transaction_id, replayed
         FROM ledger_post($1::"TransactionKind", $2, $3, $4::uuid, $5, $6::jsonb, $7::bigint, $8::text[], $9::bigint[], $10)`,
      values: [
        posting.kind,
        posting.idempotencyKey,
        hash,
        posting.actorId,
        posting.description,
        JSON.stringify(posting.metadata ?? {}),
        posting.reversesId?.toString() ?? null,
        posting.legs.map((leg) => leg.account),
        posting.legs.map((leg) => leg.amount.toString()),
        posting.allowOverdraft ?? false,
      ],
    });
    const row = rows[0];
    if (!row) throw new Error("ledger_post returned no row");
    return { transactionId: BigInt(row.transaction_id), replayed: row.replayed };
  } catch (error) {
    return mapLedgerError(error);
  }
}

/**
 * The transaction already posted under `idempotencyKey`, for callers that must look before posting (a daily limit,
 * a period to charge); the same key with another request is the ledger's own conflict.
 */
export async function earlierPosting<Metadata>(
  db: Queryable,
  idempotencyKey: string,
  request: unknown,
): Promise<{ transactionId: bigint; metadata: Metadata } | null> {
  const { rows } = await db.query<{ id: string; request_hash: string; metadata: Metadata }>(
    "SELECT id, request_hash, metadata FROM ledger_transactions WHERE idempotency_key = $1",
    [idempotencyKey],
  );
  const first = rows[0];
  if (!first) return null;
  if (first.request_hash !== requestHash(request)) return mapLedgerError({ code: "TM002" });
  return { transactionId: BigInt(first.id), metadata: first.metadata };
}

/** Reverses a posted transaction in full with a new transaction that points at it. */
export async function reverse(
  db: Queryable,
  input: { transactionId: bigint; idempotencyKey: string; actorId: string | null; description: string; allowOverdraft?: boolean },
): Promise<PostingResult> {
  const { rows } = await db.query<{ code: string; amount: string }>(
    `SELECT a.code, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE e.transaction_id = $1 ORDER BY e.id`,
    [input.transactionId.toString()],
  );
  if (rows.length === 0) throw new DomainError("NOT_FOUND", "That transaction does not exist.");
  return post(db, {
    kind: "REVERSAL",
    idempotencyKey: input.idempotencyKey,
    actorId: input.actorId,
    description: input.description,
    reversesId: input.transactionId,
    legs: reversalLegs(rows.map((row) => ({ account: row.code, amount: BigInt(row.amount) }))),
    allowOverdraft: input.allowOverdraft,
  });
}
