"use client";

import { createContext, useContext, useId, useState } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { SignedCredits } from "@/components/wallet/credit-amount";
import { KindBadge } from "@/components/wallet/transaction-kind";
import type { HistoryState } from "@/server/domain/history";
import { formatCredits, formatSignedCredits } from "@/server/domain/money";
import type { AccountType } from "@/server/generated/prisma/enums";
import type { HistoryLine, HistoryPart } from "@/server/services/wallet";

const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

const ACCOUNT_NAMES: Record<AccountType, string> = {
  AVAILABLE: "Credits wallet",
  EARNINGS: "Earnings wallet",
  WALLET: "Wallet",
  PENDING: "Pending credits",
  HELD: "Held credits",
  GATEWAY_CLEARING: "Gateway clearing",
  REVENUE: "Revenue",
  ADJUSTMENTS: "Adjustments",
  PAYOUT_CLEARING: "Payout clearing",
  RECEIVABLES: "Receivables",
  BAD_DEBT: "Bad debt",
  FEES: "Fees",
  EXCHANGE: "Exchange",
};

/** How the history being shown writes its amounts, and what its wallet is called (a wallet of another type is a WALLET account). */
export interface HistoryUnit {
  walletName: string;
  formatSigned: (amount: bigint) => string;
  format: (amount: bigint) => string;
}

const CREDITS_UNIT: HistoryUnit = { walletName: "Credits", formatSigned: formatSignedCredits, format: formatCredits };
const HistoryUnitContext = createContext<HistoryUnit>(CREDITS_UNIT);

function useAccountName(): (account: AccountType) => string {
  const unit = useContext(HistoryUnitContext);
  return (account) => (account === "WALLET" ? `${unit.walletName} wallet` : ACCOUNT_NAMES[account]);
}

const STATES: Record<Exclude<HistoryState, null>, { label: string; tone: BadgeTone }> = {
  on_hold: { label: "On hold", tone: "info" },
  released: { label: "Released", tone: "neutral" },
  refunded: { label: "Refunded", tone: "warning" },
  reversed: { label: "Reversed", tone: "neutral" },
};

function Description({ line }: { line: HistoryLine }) {
  const state = line.state ? STATES[line.state] : null;
  const accountName = useAccountName();
  return (
    <>
      <span className="font-medium text-fg">{line.description}</span>
      {state || line.account ? (
        <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-muted">
          {state ? <Badge tone={state.tone}>{state.label}</Badge> : null}
          {line.account ? <span>{accountName(line.account)}</span> : null}
        </span>
      ) : null}
    </>
  );
}

/**
 * What the thing cost or brought so far; credits it still holds are shown as held, not as spent: a card checkout
 * waiting for its payment reads "60 on hold", a running show "-30" with "30 on hold" beneath.
 */
function LineAmount({ line, className }: { line: HistoryLine; className?: string }) {
  const unit = useContext(HistoryUnitContext);
  const onHold = line.held > 0n ? `${unit.format(line.held)} on hold` : null;
  if (line.amount === 0n) {
    return <span className={cn("font-semibold whitespace-nowrap tabular-nums text-muted", className)}>{onHold ?? "0"}</span>;
  }
  return (
    <span className="inline-flex flex-col items-end">
      <SignedCredits amount={line.amount} className={className} format={unit.formatSigned} />
      {onHold ? <span className="text-xs whitespace-nowrap text-muted">{onHold}</span> : null}
    </span>
  );
}

function PartsToggle({ line, expanded, controls, onToggle }: { line: HistoryLine; expanded: boolean; controls: string; onToggle: () => void }) {
  if (line.parts.length < 2) return null;
  return (
    <button
      type="button"
      aria-expanded={expanded}
      aria-controls={controls}
      onClick={onToggle}
      className="mt-1 block text-xs font-semibold text-accent-700 hover:underline"
    >
      {expanded ? "Hide parts" : `Show ${line.parts.length} parts`}
    </button>
  );
}

/** Every ledger entry the line made on the user's accounts, oldest first. */
function Parts({ id, line }: { id: string; line: HistoryLine }) {
  const unit = useContext(HistoryUnitContext);
  const accountName = useAccountName();
  return (
    <ul id={id} aria-label={`Parts of ${line.description}`} className="space-y-2 border-l-2 border-line pl-3">
      {line.parts.map((part: HistoryPart) => (
        <li key={part.entryId.toString()} className="flex items-start justify-between gap-3 text-sm">
          <span className="min-w-0">
            <span className="block break-words text-fg">{part.description}</span>
            <span className="block text-xs text-muted">
              <time dateTime={part.createdAt.toISOString()}>{dateTimeFormat.format(part.createdAt)}</time>
              {" · "}
              {accountName(part.account)} · {part.counterparty}
            </span>
          </span>
          <SignedCredits amount={part.amount} format={unit.formatSigned} />
        </li>
      ))}
    </ul>
  );
}

function useExpanded() {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  return {
    isExpanded: (key: string) => expanded.has(key),
    toggle: (key: string) =>
      setExpanded((current) => {
        const next = new Set(current);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
  };
}

function HistoryTable({ lines }: { lines: HistoryLine[] }) {
  const id = useId();
  const { isExpanded, toggle } = useExpanded();
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
          {lines.map((line, index) => {
            const partsId = `${id}-parts-${index}`;
            const expanded = isExpanded(line.key);
            return [
              <TableRow key={line.key} className={cn(expanded && "border-b-0")}>
                <TableCell className="whitespace-nowrap text-muted">
                  <time dateTime={line.startedAt.toISOString()}>{dateTimeFormat.format(line.startedAt)}</time>
                </TableCell>
                <TableCell>
                  <Description line={line} />
                  <PartsToggle line={line} expanded={expanded} controls={partsId} onToggle={() => toggle(line.key)} />
                </TableCell>
                <TableCell className="text-muted">{line.counterparty}</TableCell>
                <TableCell>
                  <KindBadge kind={line.kind} />
                </TableCell>
                <TableCell className="text-right">
                  <LineAmount line={line} />
                </TableCell>
              </TableRow>,
              expanded ? (
                <TableRow key={`${line.key}:parts`}>
                  <TableCell colSpan={5} className="pt-0 pl-8">
                    <Parts id={partsId} line={line} />
                  </TableCell>
                </TableRow>
              ) : null,
            ];
          })}
        </tbody>
      </Table>
    </div>
  );
}

/** Small screens: one card per line instead of a table that would scroll sideways. */
function HistoryCards({ lines }: { lines: HistoryLine[] }) {
  const id = useId();
  const { isExpanded, toggle } = useExpanded();
  return (
    <ul className="divide-y divide-line md:hidden" aria-label="Wallet history, newest first">
      {lines.map((line, index) => {
        const partsId = `${id}-parts-${index}`;
        const expanded = isExpanded(line.key);
        return (
          <li key={line.key} className="space-y-1.5 px-5 py-4">
            <div className="flex items-start justify-between gap-3">
              <p className="min-w-0 text-sm break-words">
                <Description line={line} />
              </p>
              <LineAmount line={line} className="text-base" />
            </div>
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
              <KindBadge kind={line.kind} />
              <span>{line.counterparty}</span>
            </div>
            <time dateTime={line.startedAt.toISOString()} className="block text-xs text-muted">
              {dateTimeFormat.format(line.startedAt)}
            </time>
            <PartsToggle line={line} expanded={expanded} controls={partsId} onToggle={() => toggle(line.key)} />
            {expanded ? <Parts id={partsId} line={line} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The lines of a history; `unit` writes the amounts of a wallet not in credits (whole credits by default). */
export function HistoryLines({ lines, unit = CREDITS_UNIT }: { lines: HistoryLine[]; unit?: HistoryUnit }) {
  return (
    <HistoryUnitContext value={unit}>
      <HistoryCards lines={lines} />
      <HistoryTable lines={lines} />
    </HistoryUnitContext>
  );
}
