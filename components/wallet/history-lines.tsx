import { SignedCredits } from "@/components/wallet/credit-amount";
import { KindBadge } from "@/components/wallet/transaction-kind";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import type { AccountType } from "@/server/generated/prisma/enums";
import type { HistoryLine } from "@/server/services/wallet";

const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Lines on an account other than the spendable one say which, so a hold or a pending earning isn't misread. */
const ACCOUNT_NOTES: Partial<Record<AccountType, string>> = { PENDING: "Pending credits", HELD: "Held credits" };

function Description({ line }: { line: HistoryLine }) {
  const note = ACCOUNT_NOTES[line.account];
  return (
    <>
      <span className="font-medium text-fg">{line.description}</span>
      {note ? <span className="block text-xs text-muted">{note}</span> : null}
    </>
  );
}

function HistoryTable({ lines }: { lines: HistoryLine[] }) {
  return (
    <div className="hidden md:block">
      <Table>
        <caption className="sr-only">Wallet history, newest first</caption>
        <TableHead>
          <tr>
            <TableHeaderCell>Date</TableHeaderCell>
            <TableHeaderCell>Description</TableHeaderCell>
            <TableHeaderCell>Counterparty</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell className="text-right">Amount</TableHeaderCell>
          </tr>
        </TableHead>
        <tbody>
          {lines.map((line) => (
            <TableRow key={line.entryId.toString()}>
              <TableCell className="whitespace-nowrap text-muted">
                <time dateTime={line.createdAt.toISOString()}>{dateTimeFormat.format(line.createdAt)}</time>
              </TableCell>
              <TableCell>
                <Description line={line} />
              </TableCell>
              <TableCell className="text-muted">{line.counterparty}</TableCell>
              <TableCell>
                <KindBadge kind={line.kind} />
              </TableCell>
              <TableCell className="text-right">
                <SignedCredits amount={line.amount} />
              </TableCell>
            </TableRow>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

/** Small screens: one card per line instead of a table that would scroll sideways. */
function HistoryCards({ lines }: { lines: HistoryLine[] }) {
  return (
    <ul className="divide-y divide-line md:hidden" aria-label="Wallet history, newest first">
      {lines.map((line) => (
        <li key={line.entryId.toString()} className="space-y-1.5 px-5 py-4">
          <div className="flex items-start justify-between gap-3">
            <p className="min-w-0 text-sm break-words">
              <Description line={line} />
            </p>
            <SignedCredits amount={line.amount} className="text-base" />
          </div>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
            <KindBadge kind={line.kind} />
            <span>{line.counterparty}</span>
          </div>
          <time dateTime={line.createdAt.toISOString()} className="block text-xs text-muted">
            {dateTimeFormat.format(line.createdAt)}
          </time>
        </li>
      ))}
    </ul>
  );
}

export function HistoryLines({ lines }: { lines: HistoryLine[] }) {
  return (
    <>
      <HistoryCards lines={lines} />
      <HistoryTable lines={lines} />
    </>
  );
}
