"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import { useSharedChannel } from "@/components/realtime/shared-pusher";
import { MeterReadout, ParticipantList, termsText } from "@/components/shows/meter-readout";
import { type ShowEvent, showEventHandlers } from "@/components/shows/show-events";
import { OpenTabButton } from "@/components/tabs/open-tab-dialog";
import { type PaymentError, PaymentErrorNotice } from "@/components/wallet/payment-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { HEARTBEAT_SECONDS, showBillingText } from "@/server/domain/metering";
import { formatCredits, parseCredits } from "@/server/domain/money";
import type { ShowTerms } from "@/server/domain/rooms";
import { type ShowSide, endReasonText, isShowEndReason } from "@/server/domain/shows";
import type { PublicPusherConfig } from "@/server/integrations/pusher";
import type { MeterView } from "@/server/services/shows";

/** The meter is polled this often on top of live events, so a lost event only delays the display. */
const POLL_MS = 10_000;

/**
 * The room as rooms.get describes it: who performs and on what terms, shown before any show exists. Whether the
 * performer is online is the server's to check when a show is asked for, so a page loaded earlier can't be wrong.
 */
export interface ShowPanelRoom {
  stageName: string;
  terms: ShowTerms;
}

interface ShowPanelProps {
  performerId: string;
  /** "performer" in their own room, "member" for any other signed-in viewer. */
  viewerRole: ShowSide;
  room?: ShowPanelRoom;
  /** The viewer's private channel (userChannel) on the tab's Pusher connection; without it the panel only polls. */
  realtime?: { config: PublicPusherConfig; channel: string };
}

function refusalOf(error: unknown): PaymentError {
  const domainCode = error instanceof TRPCClientError ? (error.data as { domainCode?: string | null } | undefined)?.domainCode : null;
  return { message: describeTrpcError(error).message, needsCredits: domainCode === "INSUFFICIENT_FUNDS" };
}

/** Why the request was refused; short of credits, the member may buy some or pay by card tab instead. */
function RefusalNotice({ refusal, tabWith }: { refusal: PaymentError; tabWith?: { performerId: string; stageName: string } }) {
  return (
    <div className="space-y-3">
      <PaymentErrorNotice error={refusal} />
      {refusal.needsCredits && tabWith ? <OpenTabButton performerId={tabWith.performerId} stageName={tabWith.stageName} label="Open a card tab instead" size="sm" /> : null}
    </div>
  );
}

/** Follows the viewer's private channel; a child component so the panel can run without realtime. */
function ShowEvents({ realtime, onShowEvent }: { realtime: { config: PublicPusherConfig; channel: string }; onShowEvent: (event: ShowEvent) => void }) {
  useSharedChannel({
    config: realtime.config,
    channel: realtime.channel,
    on: showEventHandlers(onShowEvent),
  });
  return null;
}

function isOpen(view: MeterView | null | undefined): boolean {
  return view?.status === "REQUESTED" || view?.status === "LIVE";
}

/** Whether the viewer is one of the show's sides (a member looking at a group show they haven't joined is not). */
function takesPart(view: MeterView): boolean {
  return view.side === "performer" || (view.joined && view.pausedReason !== "ended");
}

/**
 * Private and group shows in a performer's room, for both sides: a member asks for a private show or joins the
 * group show; the performer answers requests, starts group shows and, as the room allows, starts, pauses and
 * resumes the meter; either side ends it. While a show is open the page sends a heartbeat every 15 s (the meter
 * pauses when either side goes quiet), follows the show's events and polls the meter every 10 s.
 */
export function ShowPanel({ performerId, viewerRole, room, realtime }: ShowPanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  // The show on screen: set when the viewer takes part, kept after it ends until dismissed.
  const [pinnedId, setPinnedId] = useState<string | null>(null);

  const current = useQuery(trpc.shows.current.queryOptions({ performerId }, { refetchInterval: POLL_MS }));
  const discovered = current.data ?? null;
  if (pinnedId === null && discovered && takesPart(discovered)) setPinnedId(discovered.showId);
  const focusId = pinnedId ?? discovered?.showId ?? null;
  const meter = useQuery(
    trpc.shows.meter.queryOptions(
      { showId: focusId ?? "" },
      { enabled: focusId !== null, refetchInterval: (query) => (isOpen(query.state.data) ? POLL_MS : false) },
    ),
  );
  const view = (focusId !== null && meter.data?.showId === focusId ? meter.data : null) ?? discovered;
  const participating = view !== null && takesPart(view) && isOpen(view);

  const refresh = () => {
    void queryClient.invalidateQueries(trpc.shows.current.pathFilter());
    void queryClient.invalidateQueries(trpc.shows.meter.pathFilter());
  };

  function onShowEvent(event: ShowEvent) {
    if (event.type === "ended" && event.showId === focusId) {
      const reason = isShowEndReason(event.reason) ? endReasonText(event.reason, viewerRole) : null;
      toast.info("The show ended", `${formatCredits(event.charged)} credits charged${reason ? `: ${reason}` : ""}.`);
    }
    if (event.type === "requested") toast.info("New private show request", "Accept or decline it in the show panel.");
    refresh();
  }

  const { mutate: sendHeartbeat } = useMutation(trpc.shows.heartbeat.mutationOptions());
  const heartbeatId = participating ? view.showId : null;
  useEffect(() => {
    if (heartbeatId === null) return;
    const beat = () =>
      sendHeartbeat(
        { showId: heartbeatId },
        {
          onSuccess: (result) => {
            if (!result.live) {
              void queryClient.invalidateQueries(trpc.shows.meter.pathFilter());
              void queryClient.invalidateQueries(trpc.shows.current.pathFilter());
            }
          },
        },
      );
    beat();
    const timer = setInterval(beat, HEARTBEAT_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [heartbeatId, sendHeartbeat, queryClient, trpc]);

  function adopt(next: MeterView) {
    setPinnedId(next.showId);
    queryClient.setQueryData(trpc.shows.meter.queryKey({ showId: next.showId }), next);
    void queryClient.invalidateQueries(trpc.shows.current.pathFilter());
    void queryClient.invalidateQueries(trpc.wallet.balances.pathFilter());
  }

  function dismiss() {
    setPinnedId(null);
    void queryClient.invalidateQueries(trpc.shows.current.pathFilter());
  }

  const title = viewerRole === "performer" ? "Your shows" : "Shows";
  return (
    <Card aria-labelledby="show-panel-heading">
      {realtime ? <ShowEvents realtime={realtime} onShowEvent={onShowEvent} /> : null}
      <CardHeader
        id="show-panel-heading"
        title={title}
        description={view ? (view.kind === "PRIVATE" ? "Private show" : "Group show") : "Private and group shows, billed by the minute."}
        action={view && isOpen(view) ? <Badge tone={view.status === "LIVE" ? "danger" : "warning"}>{view.status === "LIVE" ? "Live" : "Requested"}</Badge> : null}
      />
      <CardBody className="space-y-4">
        {current.isPending ? (
          <div className="space-y-3" role="status">
            <span className="sr-only">Loading shows…</span>
            <Skeleton className="h-8 w-1/2" />
            <Skeleton className="h-16 w-full" />
          </div>
        ) : view ? (
          <ShowBody view={view} fetchedAt={meter.data?.showId === view.showId ? meter.dataUpdatedAt : current.dataUpdatedAt} onChange={adopt} onDismiss={dismiss} />
        ) : viewerRole === "performer" ? (
          <StartGroupShow room={room} onStarted={adopt} />
        ) : (
          <RequestPrivateShow performerId={performerId} room={room} onRequested={adopt} />
        )}
      </CardBody>
    </Card>
  );
}

/**
 * The wallet paying this show (the one active when the member asked or joined), with its balance from the same
 * live query as the room's paying wallet, so both say the same while the meter runs.
 */
function ShowPayingWallet({ wallet }: { wallet: NonNullable<MeterView["payingWallet"]> }) {
  const trpc = useTRPC();
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const balance = balances.data?.wallets[wallet.id] ?? wallet.balance;
  return (
    <p className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
      <span className="text-muted">Paid from your {wallet.name} wallet</span>
      <output aria-label="Show wallet balance" className="font-semibold tabular-nums">
        {formatCredits(balance)} credits
      </output>
    </p>
  );
}

function ShowBody({ view, fetchedAt, onChange, onDismiss }: { view: MeterView; fetchedAt: number; onChange: (view: MeterView) => void; onDismiss: () => void }) {
  if (view.side === "member" && !view.joined && view.status === "LIVE") return <JoinGroupShow view={view} onJoined={onChange} />;
  if (view.status === "REQUESTED") return <PendingRequest view={view} onChange={onChange} />;
  const finished = !isOpen(view) || view.pausedReason === "ended";
  return (
    <div className="space-y-4">
      {view.side === "performer" && view.memberName ? <p className="text-sm text-muted">With {view.memberName}</p> : null}
      {view.side === "member" ? <p className="text-sm text-muted">With {view.stageName}</p> : null}
      {view.side === "member" && view.payingWallet && !finished ? <ShowPayingWallet wallet={view.payingWallet} /> : null}
      {view.status === "DECLINED" ? (
        <p role="status" className="text-sm">
          The request was declined{view.endReason ? `: ${endReasonText(view.endReason, view.side)}` : ""}. Nothing was charged.
        </p>
      ) : (
        <MeterReadout view={view} fetchedAt={fetchedAt} />
      )}
      {view.side === "performer" && view.kind === "GROUP" ? <ParticipantList view={view} fetchedAt={fetchedAt} /> : null}
      {finished ? (
        <Button variant="secondary" onClick={onDismiss}>
          Done
        </Button>
      ) : (
        <MeterControls view={view} onChange={onChange} />
      )}
    </div>
  );
}

function MeterControls({ view, onChange }: { view: MeterView; onChange: (view: MeterView) => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const start = useMutation(trpc.shows.startMeter.mutationOptions());
  const pause = useMutation(trpc.shows.pauseMeter.mutationOptions());
  const resume = useMutation(trpc.shows.resumeMeter.mutationOptions());
  const end = useMutation(trpc.shows.end.mutationOptions());
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const busy = start.isPending || pause.isPending || resume.isPending || end.isPending;

  const handlers = {
    onSuccess: onChange,
    onError: (error: unknown) => toast.error("That didn't work", describeTrpcError(error).message),
  };
  const performer = view.side === "performer";
  const leaving = !performer && view.kind === "GROUP";

  return (
    <div className="flex flex-wrap gap-2">
      {performer && view.meterControl !== "AUTOMATIC" && view.startedAt === null ? (
        <Button onClick={() => start.mutate({ showId: view.showId }, handlers)} loading={start.isPending} disabled={busy}>
          Start meter
        </Button>
      ) : null}
      {performer && view.meterControl === "PERFORMER_CONTROLS" && view.startedAt !== null ? (
        view.performerPaused ? (
          <Button onClick={() => resume.mutate({ showId: view.showId }, handlers)} loading={resume.isPending} disabled={busy}>
            Resume meter
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => pause.mutate({ showId: view.showId }, handlers)} loading={pause.isPending} disabled={busy}>
            Pause meter
          </Button>
        )
      ) : null}
      <Button variant="danger" onClick={() => setConfirmingEnd(true)} disabled={busy}>
        {leaving ? "Leave show" : "End show"}
      </Button>
      <ConfirmDialog
        open={confirmingEnd}
        onClose={() => setConfirmingEnd(false)}
        onConfirm={() =>
          end.mutate(
            { showId: view.showId },
            {
              onSuccess: (next) => {
                setConfirmingEnd(false);
                onChange(next);
              },
              onError: (error) => {
                setConfirmingEnd(false);
                toast.error("The show didn't end", describeTrpcError(error).message);
              },
            },
          )
        }
        pending={end.isPending}
        tone="danger"
        title={leaving ? "Leave the group show?" : "End the show?"}
        description={
          performer
            ? "The meter stops now and every member is charged for the time so far."
            : "The meter stops now. You pay for the time so far and the rest of your hold comes back to your wallet."
        }
        confirmLabel={leaving ? "Leave show" : "End show"}
      />
    </div>
  );
}

function PendingRequest({ view, onChange }: { view: MeterView; onChange: (view: MeterView) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const respond = useMutation(trpc.shows.respond.mutationOptions());
  const cancel = useMutation(trpc.shows.end.mutationOptions());
  const answer = (accept: boolean) =>
    respond.mutate(
      { showId: view.showId, accept },
      {
        onSuccess: (next) => {
          onChange(next);
          if (accept) toast.success("Show accepted", next.running ? "The meter is running." : "Start the meter when you're ready.");
        },
        onError: (error) => {
          toast.error("The request couldn't be answered", describeTrpcError(error).message);
          void queryClient.invalidateQueries(trpc.shows.meter.pathFilter());
        },
      },
    );

  if (view.side === "performer") {
    return (
      <div className="space-y-4">
        <p className="text-sm">
          <span className="font-semibold">{view.memberName ?? "A member"}</span> asks for a private show at {termsText(view)}.
        </p>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => answer(true)} loading={respond.isPending && respond.variables?.accept === true} disabled={respond.isPending}>
            Accept
          </Button>
          <Button variant="secondary" onClick={() => answer(false)} loading={respond.isPending && respond.variables?.accept === false} disabled={respond.isPending}>
            Decline
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p role="status" className="text-sm">
        Waiting for {view.stageName} to accept your private show request…
      </p>
      <p className="text-xs text-muted">{termsText(view)}</p>
      <Button
        variant="secondary"
        loading={cancel.isPending}
        onClick={() =>
          cancel.mutate(
            { showId: view.showId },
            { onSuccess: onChange, onError: (error) => toast.error("The request wasn't cancelled", describeTrpcError(error).message) },
          )
        }
      >
        Cancel request
      </Button>
    </div>
  );
}

function RequestPrivateShow({ performerId, room, onRequested }: { performerId: string; room?: ShowPanelRoom; onRequested: (view: MeterView) => void }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.shows.requestPrivate.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<PaymentError | null>(null);
  // One key per intended request: a retry after a lost response finds the first request.
  const idempotencyKey = useRef(crypto.randomUUID());

  const terms = room ? { ...room.terms, pricePerMinute: room.terms.privatePricePerMinute } : null;

  return (
    <div className="space-y-4">
      {refusal ? <RefusalNotice refusal={refusal} tabWith={{ performerId, stageName: room?.stageName ?? "the performer" }} /> : null}
      <p className="text-sm">
        Ask {room?.stageName ?? "the performer"} for a one-to-one show{terms ? ` at ${termsText(terms)}` : ""}. You&apos;re charged from the
        moment the performer accepts, by the database clock, and only while you&apos;re both here.
      </p>
      <Button onClick={() => setConfirming(true)}>Request a private show</Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          request.mutate(
            { performerId, idempotencyKey: idempotencyKey.current },
            {
              onSuccess: (view) => {
                setConfirming(false);
                setRefusal(null);
                idempotencyKey.current = crypto.randomUUID();
                onRequested(view);
              },
              onError: (error) => {
                setConfirming(false);
                setRefusal(refusalOf(error));
              },
            },
          )
        }
        pending={request.isPending}
        title="Request a private show?"
        description={terms ? showBillingText(terms, `When ${room?.stageName ?? "the performer"} accepts`) : "When the performer accepts, the meter starts."}
        confirmLabel="Send request"
      />
    </div>
  );
}

function JoinGroupShow({ view, onJoined }: { view: MeterView; onJoined: (view: MeterView) => void }) {
  const trpc = useTRPC();
  const join = useMutation(trpc.shows.join.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<PaymentError | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());

  return (
    <div className="space-y-4">
      {refusal ? <RefusalNotice refusal={refusal} /> : null}
      <p className="text-sm">
        {view.stageName} is running a group show at {termsText(view)}.{" "}
        {view.members === 1 ? "1 member is in it." : `${view.members} members are in it.`}
      </p>
      <Button onClick={() => setConfirming(true)}>Join the group show</Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          join.mutate(
            { showId: view.showId, idempotencyKey: idempotencyKey.current },
            {
              onSuccess: (next) => {
                setConfirming(false);
                setRefusal(null);
                onJoined(next);
              },
              onError: (error) => {
                setConfirming(false);
                setRefusal(refusalOf(error));
              },
            },
          )
        }
        pending={join.isPending}
        title="Join the group show?"
        description={showBillingText(view, "Your own meter starts now")}
        confirmLabel="Join"
      />
    </div>
  );
}

function StartGroupShow({ room, onStarted }: { room?: ShowPanelRoom; onStarted: (view: MeterView) => void }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.shows.startGroup.mutationOptions());
  const [priceText, setPriceText] = useState(room ? room.terms.groupPricePerMinute.toString() : "");
  const [minimumText, setMinimumText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  function submit() {
    const price = parseCredits(priceText);
    const minMembers = minimumText.trim() === "" ? undefined : Number(minimumText);
    if (price === null) return setProblem("Enter a whole number of credits a minute.");
    if (minMembers !== undefined && (!Number.isInteger(minMembers) || minMembers < 2)) return setProblem("A minimum is a whole number of at least 2 members.");
    setProblem(null);
    start.mutate({ pricePerMinute: price, minMembers }, { onSuccess: onStarted, onError: (error) => setProblem(describeTrpcError(error).message) });
  }

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <p className="text-sm text-muted">
        While you&apos;re live, private requests from members appear here. Or open a group show: every member who joins is metered
        separately.
      </p>
      {problem ? <FormAlert>{problem}</FormAlert> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Price a minute" name="pricePerMinute" hint="Credits, within the site's limits.">
          {(control) => <Input {...control} inputMode="numeric" value={priceText} onChange={(event) => setPriceText(event.target.value)} />}
        </Field>
        <Field label="Minimum members" name="minMembers" labelSuffix="optional" hint="The meter starts once this many joined.">
          {(control) => <Input {...control} inputMode="numeric" value={minimumText} onChange={(event) => setMinimumText(event.target.value)} />}
        </Field>
      </div>
      <Button type="submit" loading={start.isPending}>
        Start a group show
      </Button>
    </form>
  );
}
