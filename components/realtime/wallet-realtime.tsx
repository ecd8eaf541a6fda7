"use client";

import { type ReactNode, createContext, useContext } from "react";
import { type RealtimeStatus, useWalletRealtime } from "@/components/realtime/use-wallet-realtime";
import type { PublicPusherConfig } from "@/server/integrations/pusher";

const RealtimeStatusContext = createContext<RealtimeStatus>("offline");

interface WalletRealtimeProps {
  config: PublicPusherConfig;
  /** The member's own private channel, named by the server. */
  channel: string;
  children: ReactNode;
}

/** The tab's one realtime connection for the wallet pages; mounted by their layout so it survives navigation. */
export function WalletRealtime({ config, channel, children }: WalletRealtimeProps) {
  const status = useWalletRealtime({ config, channel });
  return <RealtimeStatusContext.Provider value={status}>{children}</RealtimeStatusContext.Provider>;
}

export function useRealtimeStatus(): RealtimeStatus {
  return useContext(RealtimeStatusContext);
}
