-- Wallets (issue 13): the account and transaction kinds they need. Their own migration, since PostgreSQL cannot use
-- an enum value in the transaction that adds it.
ALTER TYPE "AccountType" ADD VALUE 'EARNINGS';
ALTER TYPE "AccountType" ADD VALUE 'WALLET';

ALTER TYPE "TransactionKind" ADD VALUE 'EXCHANGE';
ALTER TYPE "TransactionKind" ADD VALUE 'TOP_UP';
ALTER TYPE "TransactionKind" ADD VALUE 'WALLET_SPLIT';
