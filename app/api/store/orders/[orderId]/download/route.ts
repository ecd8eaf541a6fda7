import { refuse, routeHandler } from "@/server/api/route-handler";
import { storedFileResponse } from "@/server/integrations/file-response";
import { downloadableFile } from "@/server/services/store";

export const dynamic = "force-dynamic";

/**
 * Streams a digital store item to the member who bought it, while the order is paid and not refunded. Anyone
 * else gets 403, the seller and admins included: the file is the buyer's download, not a public link.
 */
export const GET = routeHandler<{ orderId: string }>(
  { who: "signed-in", signInMessage: "Sign in to download your purchase." },
  async (request, { params, user }) => {
    if (!/^[0-9a-f-]{36}$/i.test(params.orderId)) return refuse(404, "That order does not exist.");
    const file = await downloadableFile(user, params.orderId);
    return storedFileResponse(request, { ...file, private: true });
  },
);
