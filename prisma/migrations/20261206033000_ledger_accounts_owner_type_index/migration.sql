-- The accounts a user's postings and the show meter look up by kind (pending, held, a wallet type's kind) were found
-- through a unique (owner_id, type, currency) index until wallets made that pair non-unique (two wallet types may
-- share a currency). A plain index on the same columns serves those lookups again; owner_id alone left each to
-- filter the user's accounts (`npm run bench`, metering part: 0.222 ms CPU per tick before wallets, 0.267 after).
DROP INDEX "ledger_accounts_owner_id_idx";

CREATE INDEX "ledger_accounts_owner_id_type_currency_idx" ON "ledger_accounts"("owner_id", "type", "currency");
