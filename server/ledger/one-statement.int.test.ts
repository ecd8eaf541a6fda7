import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "@/server/db/client";
import { splitSale } from "@/server/domain/commission";
import { DomainError } from "@/server/domain/errors";
import { clawbackLegs, type Leg, purchaseLegs, saleLegs, systemAccount, userAccount, walletAccount } from "@/server/domain/ledger";
import { fundUser, fundWallet, insertUser } from "@/server/testing/factories";
import { rolledBack } from "@/server/testing/rolled-back";
import { countRoundTrips } from "@/server/testing/round-trips";
import { walletBalances } from "./balances";
import { checkInvariants } from "./invariants";
import { oneStatementPostingSql, type Posting, type PostingResult, post, postWithLedgerPost } from "./post";
import { requestHash } from "./request-hash";

/**
 * post() writes a common posting in one statement of its own and leaves the rest to the ledger_post function. The
 * function is the reference: each case runs on the same starting rows both ways, in a transaction rolled back
 * after it, and every row the posting wrote or changed must be the same (ids aside).
 */

afterAll(async () => {
  await closeDb();
});

const USD = { accountKind: "usd", currency: "USD" };

/** Stands for the id of the posting made before under the key "first", filled in when the case runs. */
const FIRST_POSTING = -1n;

interface Parties {
  member: string;
  other: string;
  performer: string;
}

interface Case {
  name: string;
  /** Postings made before the one compared, on both ways alike. */
  before?: (parties: Parties) => Posting[];
  posting: (parties: Parties) => Posting;
  /** Whether post()'s statement writes it itself; otherwise that statement (or, past six legs, post()) calls ledger_post. */
  oneStatement: boolean;
}

function tipPosting({ member, performer }: Parties, amount: bigint, key = "case-key"): Posting {
  return {
    kind: "TIP",
    idempotencyKey: key,
    actorId: member,
    description: "Tip",
    metadata: { performerId: performer, amount: amount.toString() },
    request: { performer, amount },
    legs: saleLegs(member, performer, splitSale(amount, 7000)),
  };
}

function transfer(from: string, to: string, amount: bigint, key = "case-key"): Posting {
  return {
    kind: "TRANSFER",
    idempotencyKey: key,
    actorId: from,
    description: "Transfer",
    legs: [
      { account: userAccount(from, "available"), amount: -amount },
      { account: userAccount(to, "available"), amount },
    ],
  };
}

function adjustment(legs: Leg[], options: Partial<Posting> = {}): Posting {
  return { kind: "ADJUSTMENT", idempotencyKey: "case-key", actorId: null, description: "Adjustment", legs, ...options };
}

/** A clawback that leaves the member's Credits at -20 and restricted. */
const overdrawn = ({ member }: Parties): Posting[] => [
  adjustment(clawbackLegs(member, 120n), { kind: "REVERSAL", idempotencyKey: "clawback", allowOverdraft: true }),
];

const CASES: Case[] = [
  { name: "a tip: a guarded debit and two hot credits", posting: (p) => tipPosting(p, 30n), oneStatement: true },
  { name: "a tip that spends the wallet to zero", posting: (p) => tipPosting(p, 100n), oneStatement: true },
  { name: "a tip all to the platform (a 1-credit tip at 70%: no performer leg)", posting: (p) => tipPosting(p, 1n), oneStatement: true },
  { name: "a card purchase: hot clearing debited, a cold wallet credited", posting: ({ member }) => adjustment(purchaseLegs(member, 500n), { kind: "PURCHASE" }), oneStatement: true },
  { name: "a transfer between two members' Credits (two rows changed in place)", posting: ({ member, other }) => transfer(member, other, 40n), oneStatement: true },
  {
    name: "a withdrawal hold: Earnings to held, both cold",
    posting: ({ performer }) => ({
      kind: "WITHDRAWAL_HOLD",
      idempotencyKey: "case-key",
      actorId: performer,
      description: "Withdrawal",
      legs: [
        { account: userAccount(performer, "earnings"), amount: -60n },
        { account: userAccount(performer, "held"), amount: 60n },
      ],
    }),
    oneStatement: true,
  },
  {
    name: "an exchange across currencies: four legs, each currency balanced",
    posting: ({ member }) =>
      adjustment(
        [
          { account: userAccount(member, "available"), amount: -50n },
          { account: systemAccount("exchange"), amount: 50n },
          { account: systemAccount("exchange", "USD"), amount: -25n },
          { account: walletAccount(member, USD), amount: 25n },
        ],
        { kind: "EXCHANGE", metadata: { rate: "0.5" } },
      ),
    oneStatement: true,
  },
  {
    name: "two legs on one wallet: the net change is applied once, an entry per leg",
    posting: ({ member }) =>
      adjustment([
        { account: userAccount(member, "available"), amount: -30n },
        { account: userAccount(member, "available"), amount: -10n },
        { account: systemAccount("adjustments"), amount: 40n },
      ]),
    oneStatement: true,
  },
  { name: "a clawback allowed to overdraw: the wallet goes negative and is restricted", posting: ({ member }) => adjustment(clawbackLegs(member, 150n), { allowOverdraft: true }), oneStatement: true },
  { name: "a credit that leaves a restricted wallet negative: still restricted", before: overdrawn, posting: ({ member }) => adjustment(purchaseLegs(member, 10n), { kind: "PURCHASE" }), oneStatement: true },
  { name: "a credit that brings a restricted wallet back to zero lifts the restriction", before: overdrawn, posting: ({ member }) => adjustment(purchaseLegs(member, 20n), { kind: "PURCHASE" }), oneStatement: true },
  {
    name: "a reversal names the transaction it reverses",
    before: ({ member, other }) => [transfer(member, other, 30n, "first")],
    posting: ({ member, other }) => ({ ...transfer(other, member, 30n), kind: "REVERSAL", reversesId: FIRST_POSTING }),
    oneStatement: true,
  },
  {
    name: "eight legs, more than post() writes in its own statement",
    posting: ({ member, other }) =>
      adjustment([
        ...[1n, 2n, 3n].flatMap((n) => [
          { account: userAccount(member, "available"), amount: -n },
          { account: userAccount(other, "available"), amount: n },
        ]),
        { account: systemAccount("adjustments"), amount: 1n },
        { account: systemAccount("fees"), amount: -1n },
      ]),
    oneStatement: false,
  },
  { name: "refused: not enough credits", posting: (p) => tipPosting(p, 101n), oneStatement: true },
  { name: "refused: the second of two debits in id order is short", posting: ({ member, other }) => adjustment([{ account: userAccount(member, "available"), amount: -10n }, { account: userAccount(other, "available"), amount: -60n }, { account: systemAccount("adjustments"), amount: 70n }]), oneStatement: true },
  { name: "refused: a restricted wallet spends nothing", before: overdrawn, posting: (p) => tipPosting(p, 1n), oneStatement: true },
  { name: "refused: an unknown account", posting: ({ member }) => transfer(member, randomUUID(), 5n), oneStatement: false },
  {
    name: "refused: the legs sum to zero but not per currency",
    posting: ({ member }) => adjustment([{ account: userAccount(member, "available"), amount: -5n }, { account: walletAccount(member, USD), amount: 5n }]),
    oneStatement: false,
  },
  { name: "a replay: the same key and request return the first posting", before: (p) => [tipPosting(p, 30n)], posting: (p) => tipPosting(p, 30n), oneStatement: false },
  { name: "refused: the same key with another request", before: (p) => [tipPosting(p, 30n)], posting: (p) => tipPosting(p, 31n), oneStatement: false },
  {
    name: "two legs on one account that net to zero",
    posting: ({ member }) =>
      adjustment([
        { account: userAccount(member, "available"), amount: -30n },
        { account: userAccount(member, "available"), amount: 30n },
        { account: systemAccount("adjustments"), amount: 5n },
        { account: systemAccount("fees"), amount: -5n },
      ]),
    oneStatement: false,
  },
  {
    name: "a hot guarded debit: a performer's pending earnings taken back",
    before: (p) => [tipPosting(p, 50n, "first")],
    posting: ({ performer }) => adjustment([{ account: userAccount(performer, "pending"), amount: -35n }, { account: systemAccount("revenue"), amount: 35n }], { kind: "REVERSAL" }),
    oneStatement: false,
  },
];

type Way = (db: PoolClient, posting: Posting) => Promise<unknown>;

/** What a posting did: its result or refusal, the rows under its key, and every balance it could have moved. */
async function outcome(db: PoolClient, parties: Parties, way: Way, testCase: Case) {
  for (const earlier of testCase.before?.(parties) ?? []) await post(db, earlier);
  const posting = testCase.posting(parties);
  if (posting.reversesId === FIRST_POSTING) {
    const { rows } = await db.query<{ id: string }>("SELECT id FROM ledger_transactions WHERE idempotency_key = 'first'");
    posting.reversesId = BigInt(rows[0]?.id as string);
  }
  const hash = requestHash(posting.request ?? { kind: posting.kind, legs: posting.legs, reversesId: posting.reversesId });
  await db.query("SELECT set_config('track_functions', 'pl', true)");
  const ledgerPostCalls = async () =>
    Number((await db.query("SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions WHERE funcname = 'ledger_post'")).rows[0].n);
  const callsBefore = await ledgerPostCalls();
  // A refusal aborts what it ran in: back to here, then look at what is left.
  await db.query("SAVEPOINT posting");
  const { result: settled, statements } = await countRoundTrips(() =>
    (way(db, posting) as Promise<PostingResult>).then(
      (posted) => ({ posted }),
      (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        return { refused: error.code, message: error.message };
      },
    ),
  );
  let result: unknown = settled;
  if ("posted" in settled) {
    const { rows } = await db.query<{ key: string }>("SELECT idempotency_key AS key FROM ledger_transactions WHERE id = $1", [settled.posted.transactionId.toString()]);
    result = { key: rows[0]?.key, replayed: settled.posted.replayed };
  } else {
    await db.query("ROLLBACK TO SAVEPOINT posting");
  }
  const transaction = await db.query(
    `SELECT t.kind, t.request_hash = $1 AS hash_of_request, t.actor_id, t.description, t.metadata, t.reverses_id IS NOT NULL AS reverses,
            (SELECT json_agg(json_build_array(a.code, e.amount::text, e.currency) ORDER BY e.id)
               FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE e.transaction_id = t.id) AS entries
       FROM ledger_transactions t WHERE t.idempotency_key = 'case-key'`,
    [hash],
  );
  const accounts = await db.query(
    `SELECT a.code, a.balance::text, a.restricted,
            (SELECT json_agg(d.amount::text ORDER BY d.amount) FROM ledger_unfolded_deltas d WHERE d.account_id = a.id) AS deltas
       FROM ledger_accounts a
      WHERE a.owner_id IN ($1, $2, $3) OR a.code LIKE 'system:%'
      ORDER BY CASE a.owner_id WHEN $1 THEN 1 WHEN $2 THEN 2 WHEN $3 THEN 3 ELSE 0 END, a.code`,
    [parties.member, parties.other, parties.performer],
  );
  // A function that raises is not counted as called: only a posting that went through says which way it went.
  const wentThrough = "posted" in settled;
  return { result, transaction: transaction.rows, accounts: accounts.rows, statements, ledgerPostCalls: wentThrough ? (await ledgerPostCalls()) - callsBefore : null };
}

/** Runs `work` on fresh parties in a transaction that is rolled back; the parties' ids in its result read M, O and P. */
function onFreshParties<T>(work: (db: PoolClient, parties: Parties) => Promise<T>): Promise<T> {
  return rolledBack(async (db) => {
    const parties = { member: await insertUser(db, "MEMBER"), other: await insertUser(db, "MEMBER"), performer: await insertUser(db, "PERFORMER") };
    await fundUser(db, parties.member, 100n);
    await fundUser(db, parties.other, 50n);
    await fundUser(db, parties.performer, 80n, "earnings");
    await fundWallet(db, parties.member, USD, 1_000n);
    const seen = JSON.stringify(await work(db, parties));
    return JSON.parse(seen.replaceAll(parties.member, "M").replaceAll(parties.other, "O").replaceAll(parties.performer, "P")) as T;
  });
}

describe("post() in one statement against ledger_post", () => {
  it.each(CASES)("$name", async (testCase) => {
    const oneStatement = await onFreshParties((db, parties) => outcome(db, parties, post, testCase));
    const reference = await onFreshParties((db, parties) => outcome(db, parties, postWithLedgerPost, testCase));
    const legs = testCase.posting({ member: "m", other: "o", performer: "p" }).legs.length;
    expect(oneStatement.statements).toEqual([legs > 6 ? "ledger_post" : `ledger_post_${legs}`]);
    expect(reference.statements).toEqual(["ledger_post"]);
    if (oneStatement.ledgerPostCalls !== null) expect(oneStatement.ledgerPostCalls).toBe(testCase.oneStatement ? 0 : 1);
    if (reference.ledgerPostCalls !== null) expect(reference.ledgerPostCalls).toBe(1);
    expect({ ...oneStatement, statements: reference.statements, ledgerPostCalls: reference.ledgerPostCalls }).toEqual(reference);
  });
});

describe("post() in one statement", () => {
  it("is one round trip for a tip", async () => {
    const member = await insertUser(pool, "MEMBER");
    const performer = await insertUser(pool, "PERFORMER");
    await fundUser(pool, member, 100n);
    const { roundTrips, statements } = await countRoundTrips(() => post(pool, tipPosting({ member, other: member, performer }, 30n, randomUUID())));
    expect(roundTrips).toBe(1);
    expect(statements).toEqual(["ledger_post_3"]);
    expect((await walletBalances(pool, member)).available).toBe(70n);
  });

  it("raises the SQLSTATE and words the account that ledger_post does when a guarded debit is refused", async () => {
    const refusal = async (legs: (parties: Parties) => Leg[], before: (parties: Parties) => Posting[] = () => []) =>
      onFreshParties(async (db, parties) => {
        for (const earlier of before(parties)) await post(db, earlier);
        const posting = adjustment(legs(parties));
        const head = [posting.kind, posting.idempotencyKey, "hash", null, posting.description, "{}", null, false];
        const raised = async (query: () => Promise<unknown>) => {
          await db.query("SAVEPOINT attempt");
          const error = await query().then(() => null, (caught: { code?: string; message?: string }) => ({ code: caught.code, message: caught.message }));
          await db.query("ROLLBACK TO SAVEPOINT attempt");
          return error;
        };
        const accounts = posting.legs.map((leg) => leg.account);
        const amounts = posting.legs.map((leg) => leg.amount.toString());
        return {
          oneStatement: await raised(() => db.query(oneStatementPostingSql(posting.legs.length), [...head, ...posting.legs.flatMap((leg) => [leg.account, leg.amount.toString()])])),
          ledgerPost: await raised(() => db.query("SELECT * FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $9, $10, $8)", [...head, accounts, amounts])),
        };
      });
    const short = await refusal(({ member, other }) => [
      { account: userAccount(member, "available"), amount: -10n },
      { account: userAccount(other, "available"), amount: -60n },
      { account: systemAccount("adjustments"), amount: 70n },
    ]);
    expect(short.oneStatement).toEqual({ code: "TM001", message: "insufficient funds in user:O:available:CRD" });
    expect(short.ledgerPost).toEqual(short.oneStatement);
    const restricted = await refusal(({ member }) => [{ account: userAccount(member, "available"), amount: -1n }, { account: systemAccount("revenue"), amount: 1n }], overdrawn);
    expect(restricted.oneStatement).toEqual({ code: "TM005", message: "account user:M:available:CRD is restricted until its negative balance is settled" });
    expect(restricted.ledgerPost).toEqual(restricted.oneStatement);
  });

  it("transfers racing every way between four wallets, half through ledger_post, never deadlock, overdraw or lose a credit", async () => {
    // Both ways lock the rows they change in id order; a statement that locked them in its join's order would
    // deadlock against ledger_post's loop on some pair of these wallets.
    const wallets: string[] = [];
    for (let n = 0; n < 4; n++) {
      const user = await insertUser(pool, "MEMBER");
      await fundUser(pool, user, 100n);
      wallets.push(user);
    }
    const pairs = wallets.flatMap((from) => wallets.filter((to) => to !== from).map((to) => ({ from, to })));
    const moves = Array.from({ length: 10 }, () => pairs).flat();
    const outcomes = await Promise.all(
      moves.map((move, n) =>
        (n % 2 === 0 ? post : postWithLedgerPost)(pool, transfer(move.from, move.to, 5n, randomUUID())).then(
          () => ({ move, posted: true }),
          (error: unknown) => {
            if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") return { move, posted: false };
            throw error;
          },
        ),
      ),
    );
    const posted = outcomes.filter((o) => o.posted);
    const expected = wallets.map((user) => posted.reduce((sum, { move }) => sum + (move.to === user ? 5n : 0n) - (move.from === user ? 5n : 0n), 100n));
    const balances = await Promise.all(wallets.map(async (user) => (await walletBalances(pool, user)).available));
    expect(balances).toEqual(expected);
    expect(balances.every((balance) => balance >= 0n)).toBe(true);
    // Each wallet can always pay its first 20 transfers out of its own 100 credits, whatever arrives meanwhile.
    for (const user of wallets) expect(posted.filter((o) => o.move.from === user).length).toBeGreaterThanOrEqual(20);
    expect((await checkInvariants(pool)).filter((result) => !result.passed)).toEqual([]);
  });
});
