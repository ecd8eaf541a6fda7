/**
 * Rules of a show's life that are not pricing (that is metering.ts): why a show ended, why a meter is not running,
 * and how each is said to either side.
 */

export const SHOW_END_REASONS = [
  "member_ended",
  "member_left",
  "performer_ended",
  "member_offline",
  "performer_offline",
  "funds_exhausted",
  "declined",
  "member_cancelled",
  "member_funds",
  "request_expired",
  "member_removed",
  "tab_closed",
] as const;
export type ShowEndReason = (typeof SHOW_END_REASONS)[number];

export type ShowSide = "member" | "performer";

const ENDED_FOR_MEMBER: Record<ShowEndReason, string> = {
  member_ended: "you ended it",
  member_left: "you left it",
  performer_ended: "the performer ended it",
  member_offline: "your connection was lost for too long",
  performer_offline: "the performer went offline",
  funds_exhausted: "your credits ran out",
  declined: "the performer declined",
  member_cancelled: "you cancelled the request",
  member_funds: "your credits no longer covered the minimum charge",
  request_expired: "the request expired",
  member_removed: "you were removed from the room",
  tab_closed: "the card tab paying for it stopped",
};

const ENDED_FOR_PERFORMER: Record<ShowEndReason, string> = {
  member_ended: "the member ended it",
  member_left: "the member left",
  performer_ended: "you ended it",
  member_offline: "the member's connection was lost for too long",
  performer_offline: "you went offline",
  funds_exhausted: "the member's credits ran out",
  declined: "you declined",
  member_cancelled: "the member cancelled the request",
  member_funds: "the member's credits no longer covered the minimum charge",
  request_expired: "the request expired",
  member_removed: "the member was removed from the room",
  tab_closed: "the member's card tab paying for it stopped",
};

export function endReasonText(reason: ShowEndReason, side: ShowSide): string {
  return (side === "member" ? ENDED_FOR_MEMBER : ENDED_FOR_PERFORMER)[reason];
}

export function isShowEndReason(value: string | null): value is ShowEndReason {
  return (SHOW_END_REASONS as readonly string[]).includes(value ?? "");
}

/** A private request nobody answered is dropped after this long. */
export const REQUEST_TTL_SECONDS = 300;

export type PausedReason =
  | "requested"
  | "declined"
  | "ended"
  | "waiting_for_members"
  | "not_started"
  | "paused_by_performer"
  | "performer_offline"
  | "member_offline"
  | "resuming";

export interface MeterFacts {
  status: "REQUESTED" | "DECLINED" | "LIVE" | "ENDED";
  running: boolean;
  started: boolean;
  performerPaused: boolean;
  performerPresent: boolean;
  /** The member side: this member's presence; the performer side of a group show: anyone's. */
  memberPresent: boolean;
  /** A group show without members, or short of its minimum number of members. */
  membersShort: boolean;
}

/** Why the meter the viewer looks at is not running, or null while it runs. */
export function pausedReasonFor(facts: MeterFacts): PausedReason | null {
  if (facts.status === "REQUESTED") return "requested";
  if (facts.status === "DECLINED") return "declined";
  if (facts.status === "ENDED") return "ended";
  if (facts.running) return null;
  if (facts.membersShort) return "waiting_for_members";
  if (!facts.started) return "not_started";
  if (facts.performerPaused) return "paused_by_performer";
  if (!facts.performerPresent) return "performer_offline";
  if (!facts.memberPresent) return "member_offline";
  return "resuming";
}

const PAUSED_FOR_MEMBER: Record<PausedReason, string> = {
  requested: "Waiting for the performer to accept.",
  declined: "The performer declined.",
  ended: "The show has ended.",
  waiting_for_members: "Waiting for enough members to join.",
  not_started: "Waiting for the performer to start the meter.",
  paused_by_performer: "The performer paused the meter.",
  performer_offline: "Paused: the performer's connection dropped.",
  member_offline: "Paused: your connection dropped.",
  resuming: "Resuming…",
};

const PAUSED_FOR_PERFORMER: Record<PausedReason, string> = {
  ...PAUSED_FOR_MEMBER,
  requested: "A member asks for a private show.",
  declined: "You declined.",
  waiting_for_members: "Waiting for members to join.",
  not_started: "Start the meter when you're ready.",
  paused_by_performer: "You paused the meter.",
  performer_offline: "Paused: your connection dropped.",
  member_offline: "Paused: the member's connection dropped.",
};

export function pausedReasonText(reason: PausedReason, side: ShowSide): string {
  return (side === "member" ? PAUSED_FOR_MEMBER : PAUSED_FOR_PERFORMER)[reason];
}
