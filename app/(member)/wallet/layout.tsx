import type { ReactNode } from "react";
import { WalletRealtime } from "@/components/realtime/wallet-realtime";
import { requireArea } from "@/server/auth/guards";
import { publicPusherConfig, userChannel } from "@/server/integrations/pusher";

/** One realtime connection for every wallet page, kept while the member moves between them. */
export default async function WalletLayout({ children }: { children: ReactNode }) {
  const user = await requireArea("member");
  return (
    <WalletRealtime config={publicPusherConfig()} channel={userChannel(user.id)}>
      {children}
    </WalletRealtime>
  );
}
