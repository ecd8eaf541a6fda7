import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Select } from "@/components/ui/input";
import type { TransactionKind } from "@/server/generated/prisma/enums";

const KINDS: Record<TransactionKind, { label: string; tone: BadgeTone }> = {
  PURCHASE: { label: "Purchase", tone: "success" },
  PURCHASE_REFUND: { label: "Refund", tone: "warning" },
  DISPUTE_HOLD: { label: "Dispute hold", tone: "danger" },
  DISPUTE_RELEASE: { label: "Dispute release", tone: "info" },
  ADJUSTMENT: { label: "Adjustment", tone: "violet" },
  TIP: { label: "Tip", tone: "accent" },
  REVERSAL: { label: "Reversal", tone: "neutral" },
  CONTENT_UNLOCK: { label: "Content", tone: "accent" },
  MEMBERSHIP_CHARGE: { label: "Membership", tone: "violet" },
  STORE_SALE: { label: "Store", tone: "accent" },
  STORE_HOLD: { label: "Store hold", tone: "info" },
  PAYMENT_REQUEST: { label: "Payment request", tone: "accent" },
  SALE_REFUND: { label: "Sale refund", tone: "warning" },
  TRANSFER: { label: "Transfer", tone: "info" },
  EARNINGS_MATURED: { label: "Earnings matured", tone: "success" },
  SHOW_HOLD: { label: "Show hold", tone: "info" },
  SHOW_CHARGE: { label: "Show", tone: "accent" },
  WITHDRAWAL_HOLD: { label: "Withdrawal hold", tone: "info" },
  WITHDRAWAL_PAID: { label: "Withdrawal paid", tone: "success" },
  EXCHANGE: { label: "Exchange", tone: "info" },
  TOP_UP: { label: "Top-up", tone: "info" },
  WALLET_SPLIT: { label: "Wallet split", tone: "neutral" },
  TAB_FUNDING: { label: "Card tab opened", tone: "info" },
  TAB_CAPTURE: { label: "Card tab charged", tone: "success" },
  TAB_RELEASE: { label: "Card tab released", tone: "neutral" },
  TAB_SETTLEMENT: { label: "Card tab paid", tone: "success" },
  TAB_WRITE_OFF: { label: "Card tab written off", tone: "danger" },
  TAB_CARD_REVERSAL: { label: "Card tab payment reversed", tone: "warning" },
};

const TRANSACTION_KINDS = Object.keys(KINDS) as TransactionKind[];

export function isTransactionKind(value: string | null | undefined): value is TransactionKind {
  return TRANSACTION_KINDS.some((kind) => kind === value);
}

export function KindBadge({ kind }: { kind: TransactionKind }) {
  return <Badge tone={KINDS[kind].tone}>{KINDS[kind].label}</Badge>;
}

interface KindSelectProps {
  id: string;
  name?: string;
  value?: TransactionKind | "";
  defaultValue?: TransactionKind | "";
  onChange?: (kind: TransactionKind | "") => void;
}

/** Every kind of transaction, plus "All kinds" (the empty value). */
export function KindSelect({ id, name, value, defaultValue, onChange }: KindSelectProps) {
  return (
    <Select
      id={id}
      name={name}
      value={value}
      defaultValue={defaultValue}
      onChange={onChange ? (event) => onChange(isTransactionKind(event.target.value) ? event.target.value : "") : undefined}
    >
      <option value="">All kinds</option>
      {TRANSACTION_KINDS.map((kind) => (
        <option key={kind} value={kind}>
          {KINDS[kind].label}
        </option>
      ))}
    </Select>
  );
}
