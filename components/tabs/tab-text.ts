import type { BadgeTone } from "@/components/ui/badge";
import type { TabStatus } from "@/server/domain/tabs";

/** What a card tab's state, its closing and its charges mean, in the words every tab page uses. */

const STATUS: Record<TabStatus, { label: string; tone: BadgeTone; meaning: string }> = {
  OPENING: { label: "Waiting for the card", tone: "warning", meaning: "The card has not been authorised yet." },
  OPEN: { label: "Open", tone: "success", meaning: "The tab pays in the performer's room until it closes." },
  SETTLING: { label: "Closing", tone: "info", meaning: "The tab takes no more charges; what it accrued is being charged to the card." },
  PAYMENT_DUE: { label: "Payment due", tone: "danger", meaning: "The card was refused: what the tab owes must be paid with another card." },
  WRITTEN_OFF: { label: "Written off, still owed", tone: "danger", meaning: "The unpaid amount was written off; spending stays paused until it is paid." },
  CLOSED: { label: "Closed", tone: "neutral", meaning: "The tab is settled." },
  CANCELED: { label: "Not opened", tone: "neutral", meaning: "The card was never authorised; nothing was charged." },
};

export function tabStatusLabel(status: TabStatus): string {
  return STATUS[status].label;
}

export function tabStatusTone(status: TabStatus): BadgeTone {
  return STATUS[status].tone;
}

export function tabStatusMeaning(status: TabStatus): string {
  return STATUS[status].meaning;
}

const CLOSE_REASONS: Record<string, string> = {
  member_closed: "closed by the member",
  limit_reached: "the limit was reached",
  show_ended: "the show it paid ended",
  performer_finalised: "finalised by the performer",
  admin_finalised: "finalised by an administrator",
  expiring: "settled before the card's hold lapsed",
  card_failed: "the card was refused",
  not_authorised: "the card was not authorised",
  paid_after_failure: "paid with another card",
};

/** Why a tab stopped, or null while it runs; a reason this page does not know yet is shown as it is stored. */
export function closeReasonText(reason: string | null): string | null {
  if (reason === null) return null;
  return CLOSE_REASONS[reason] ?? reason.replaceAll("_", " ");
}

export function chargeKindLabel(kind: "CAPTURE" | "SETTLEMENT"): string {
  return kind === "CAPTURE" ? "Card charge" : "Paid with another card";
}

export function chargeStatusLabel(status: "PENDING" | "SUCCEEDED" | "FAILED"): { label: string; tone: BadgeTone } {
  if (status === "SUCCEEDED") return { label: "Paid", tone: "success" };
  if (status === "FAILED") return { label: "Failed", tone: "danger" };
  return { label: "In progress", tone: "warning" };
}

/** Billed show time as minutes and seconds: "0:00", "12:05", "75:00". */
export function chargeableMinutesText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** Whether the member still owes money on the tab (and may pay it with another card). */
export function owes(status: TabStatus): boolean {
  return status === "PAYMENT_DUE" || status === "WRITTEN_OFF";
}

/** Who loses the unpaid amount of a written-off tab, for the performer's or admin's confirmation. */
export function writeOffBearerText(bearer: "PLATFORM" | "PERFORMER", viewer: "performer" | "admin"): string {
  if (bearer === "PLATFORM") return "Tipmeter bears the loss: the performer keeps their share of what the tab paid.";
  return viewer === "performer"
    ? "You bear the loss: your share of the unpaid charges is taken back from your earnings."
    : "The performer bears the loss: their share of the unpaid charges is taken back from their earnings.";
}
