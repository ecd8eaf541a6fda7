-- Card tabs (issue 14): their states, the ledger kinds and the bad-debt account type, added before any use.
CREATE TYPE "CardTabStatus" AS ENUM ('OPENING', 'OPEN', 'SETTLING', 'PAYMENT_DUE', 'WRITTEN_OFF', 'CLOSED', 'CANCELED');
CREATE TYPE "DebtBearer" AS ENUM ('PLATFORM', 'PERFORMER');
CREATE TYPE "CardTabChargeKind" AS ENUM ('CAPTURE', 'SETTLEMENT');
CREATE TYPE "CardTabChargeStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');
ALTER TYPE "AccountType" ADD VALUE 'BAD_DEBT';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_FUNDING';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_CAPTURE';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_RELEASE';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_SETTLEMENT';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_WRITE_OFF';
ALTER TYPE "TransactionKind" ADD VALUE 'TAB_CARD_REVERSAL';
