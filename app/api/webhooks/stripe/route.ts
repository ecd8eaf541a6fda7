import { routeHandler } from "@/server/api/route-handler";
import { RefusedWebhook, payments } from "@/server/integrations/payments";
import { handlePaymentEvent } from "@/server/services/purchases";

export const dynamic = "force-dynamic";

/**
 * Stripe's calls. A bad or future-dated signature, or a signed body that is not an event, gets 400 and changes
 * nothing; a processed, duplicate or ignored event gets 200, as does one whose payment does not match what we
 * stored (recorded for admins: a retry would not change it); anything else (the database away, Stripe
 * unreachable while re-reading an object) gets 500 so that Stripe retries later.
 */
export const POST = routeHandler({ who: "anyone" }, async (request) => {
  const rawBody = await request.text();
  let event;
  try {
    event = payments("stripe").verifyWebhook(rawBody, request.headers);
  } catch (error) {
    if (error instanceof RefusedWebhook) return Response.json({ error: error.reason }, { status: 400 });
    throw error;
  }
  try {
    const outcome = await handlePaymentEvent(event);
    return Response.json({ received: true, outcome });
  } catch (error) {
    console.error(`[stripe webhook] ${event.type} ${event.id} failed`, error);
    return Response.json({ error: "temporary failure, retry later" }, { status: 500 });
  }
});
