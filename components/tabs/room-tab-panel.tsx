"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { OpenTabButton } from "@/components/tabs/open-tab-dialog";
import { OwedNotice, PayDueButton } from "@/components/tabs/tab-detail";
import { TabFigures } from "@/components/tabs/tab-figures";
import { TabRealtime } from "@/components/tabs/tab-realtime";
import { owes, tabStatusLabel, tabStatusTone } from "@/components/tabs/tab-text";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { CARD_TAB_WALLET } from "@/server/domain/wallets";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

/**
 * The member's card tab in a performer's room: its figures while it is with this performer (what is left is the tab
 * wallet's live balance, the same number the room shows for the wallet that pays), the way to pay when the card
 * failed, or the way to open one. Live through tab.updated and wallet.updated.
 */
export function RoomTabPanel({ performerId, stageName, realtime }: { performerId: string; stageName: string; realtime: { config: PublicPusherConfig; channel: string } }) {
  const trpc = useTRPC();
  const toast = useToast();
  const mine = useQuery(trpc.tabs.mine.queryOptions());
  const balances = useQuery(trpc.wallet.balances.queryOptions());
  const tab = mine.data;

  function body() {
    if (mine.isPending) return <Skeleton className="h-24 w-full" />;
    if (!tab || tab.status === "OPENING") {
      return (
        <div className="space-y-3">
          <p className="text-sm text-muted">
            {tab ? "Your tab is waiting for the card. " : ""}Pay as you go by card: tips and shows are added to a tab, and your card is charged once
            for what you spent.
          </p>
          {tab ? (
            <Link href={`/tabs/${tab.id}`} className="text-sm font-semibold text-accent-700 hover:underline">
              See the tab →
            </Link>
          ) : (
            <OpenTabButton performerId={performerId} stageName={stageName} />
          )}
        </div>
      );
    }
    if (tab.performerId !== performerId) {
      return (
        <p className="text-sm text-muted">
          Your card tab is with {tab.stageName}; it pays only in their room.{" "}
          <Link href={`/tabs/${tab.id}`} className="font-semibold text-accent-700 hover:underline">
            See the tab →
          </Link>
        </p>
      );
    }
    if (owes(tab.status)) return <OwedNotice tab={tab} action={<PayDueButton tabId={tab.id} size="sm" />} />;
    return (
      <div className="space-y-3">
        <TabFigures tab={tab} left={tab.status === "OPEN" ? (balances.data?.wallets[CARD_TAB_WALLET] ?? tab.left) : tab.left} compact />
        <Link href={`/tabs/${tab.id}`} className="inline-block text-sm font-semibold text-accent-700 hover:underline">
          Charges and closing →
        </Link>
      </div>
    );
  }

  return (
    <Card aria-labelledby="room-tab-heading">
      <TabRealtime
        config={realtime.config}
        channel={realtime.channel}
        onUpdate={(event) => {
          if (event.status === "PAYMENT_DUE") toast.error("Your card tab stopped", event.message ?? "The card was refused; pay what is due with another card.");
        }}
      />
      <CardHeader
        id="room-tab-heading"
        title="Card tab"
        action={tab && tab.performerId === performerId ? <Badge tone={tabStatusTone(tab.status)}>{tabStatusLabel(tab.status)}</Badge> : null}
      />
      <CardBody>{body()}</CardBody>
    </Card>
  );
}
