-- A relay now claims messages by holding their row locks in the transaction that records the outcome: a relay
-- that dies releases them with its session at once, where a locked_until claim kept them for a minute.
ALTER TABLE "outbox_messages" DROP COLUMN "locked_until";
