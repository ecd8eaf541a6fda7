-- Payment requests get a commission rate per type: the unused kind becomes the services kind, goods are added.
ALTER TYPE "SaleKind" RENAME VALUE 'PAYMENT_REQUEST' TO 'PAYMENT_REQUEST_SERVICE';
ALTER TYPE "SaleKind" ADD VALUE 'PAYMENT_REQUEST_GOODS';
ALTER TYPE "TransactionKind" ADD VALUE 'PAYMENT_REQUEST';
