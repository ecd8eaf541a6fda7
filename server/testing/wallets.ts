import type { SessionUser } from "@/server/auth/session-user";
import { callerAs } from "./api";

/** Creates, as `admin`, the "club" wallet type: credits besides Credits whose rules allow memberships only. */
export async function createClubWallet(admin: SessionUser): Promise<void> {
  await callerAs(admin).adminWallets.createType({
    id: "club",
    name: "Club",
    description: "Credits for memberships.",
    currency: "CRD",
    active: true,
    paysFor: ["MEMBERSHIPS"],
    transferable: false,
    withdrawable: false,
    storeShareCapBps: 0,
    exchangeIn: false,
    exchangeOut: false,
    position: 30,
  });
}
