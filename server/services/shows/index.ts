import "server-only";

/**
 * Private and group shows metered per minute (issue 5). The meter lives in the database, never in a browser or a
 * process: show_participants holds each member's metered seconds and, while the meter runs, the database time it
 * started running; metered time = metered_seconds + (now() - running_since). Every step that moves a meter runs
 * show_meter_settle (metering.ts, SQL in the show_metering migration) inside a transaction that locks the show row
 * first, so two steps on one show (both sides ending at once, a sweep) queue and settle once.
 *
 *  - Start: accepting a private request or joining a group show posts a SHOW_HOLD of the first charge due (the
 *    minimum charge) from the member's paying wallet to held credits, or refuses with nothing posted; the settlement
 *    in the same transaction tops the hold up to the next settlement period. The paying wallet is the member's
 *    active wallet when they asked or joined (show_participants.wallet_type_id; it must pay for shows), and it
 *    stays that show's wallet whatever they choose later; "available" below means that wallet.
 *  - While it runs: the `shows.sweep` job settles every few seconds, posting SHOW_CHARGE (held first, then
 *    available; the performer's share at the PRIVATE_SHOW / GROUP_SHOW rate to pending earnings with an earnings
 *    lot, the rest to revenue) whenever the unposted charge reaches the show's settle threshold (by default every
 *    credit, so each sweep collects what the meter billed and wallets and earnings move with it). It pauses a
 *    meter whose other side missed its heartbeats, resumes it when both are back, and ends it when a side stays
 *    away past the offline timeout or the member's credits run out. After each settlement the meter's hold is
 *    topped up to what the next minute will cost (holdTarget in server/domain/metering.ts), as far as the member's
 *    credits go, so credits the show needs can't be spent or transferred away mid-show.
 *  - End: the final charge and the unused hold's release, exactly once.
 * Realtime events and emails are written to the outbox in the transaction of the change they announce, and the
 * worker's relay delivers them as soon as it commits (it listens for the commit); pages also poll `shows.meter`.
 *
 * Files: planning.ts (requests, accept/decline, group start, join), live.ts (end, leave, meter control,
 * heartbeat, current show), meter-view.ts (the view every procedure returns), history.ts (past shows),
 * notices.ts (events and emails for the outbox; email bodies in emails.ts), sweep.ts (the sweep job and ending
 * shows for rooms), metering.ts (the meter engine), steps.ts (locks, checks, holds), queries.ts (the SQL).
 */
export { type ShowActor, type ShowOptions, meterParams } from "./common";
export { type MeterParticipantView, type MeterView } from "./meter-view";
export {
  joinGroupShow,
  joinSchema,
  requestPrivateSchema,
  requestPrivateShow,
  respondSchema,
  respondToRequest,
  startGroupSchema,
  startGroupShow,
} from "./planning";
export { currentSchema, currentShow, endShow, heartbeat, leaveShow, pauseMeter, resumeMeter, showMeter, showSchema, startMeter } from "./live";
export { type ShowHistoryItem, showHistory } from "./history";
export { showViewForDelivery } from "./notices";
export { endShowsForMember, endShowsForPerformer, runShowSweep } from "./sweep";
export * from "./metering";
