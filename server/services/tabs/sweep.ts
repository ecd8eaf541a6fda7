import "server-only";
import { pool } from "@/server/db/client";
import { payments } from "@/server/integrations/payments";
import { actOnTab, closeTab, collectCapture, finishClosing } from "./lifecycle";
import { OPENING_CHECKOUT_MINUTES, applyOpening, cancelUnstartedOpening } from "./opening";
import { selectOpenTabIds, selectSettlingTabIds, selectStaleOpenings, selectStalledCharges, selectTab } from "./queries";

/**
 * The tabs' sweep (the `tabs.sweep` job, every few seconds): splits and closes what is due, finishes closings and
 * captures a crash left halfway, closes a tab once the show it paid ended, and ends openings nobody completed.
 * Each tab is its own unit of work, so one that fails (the processor unreachable) is retried next time and does
 * not hold up the others.
 */

/** A capture recorded this long ago and still pending was cut short (a crash, the processor unreachable). */
const STALLED_CAPTURE_SECONDS = 30;
/** An opening's pay page expires after OPENING_CHECKOUT_MINUTES; a few more and it is asked once more, then closed. */
const STALE_OPENING_MINUTES = OPENING_CHECKOUT_MINUTES + 5;

async function each<T extends { tabId: string }>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (const item of items) {
    try {
      await work(item);
    } catch (error) {
      console.error(`[tabs.sweep] tab ${item.tabId}:`, error);
    }
  }
}

const tabIds = (ids: readonly string[]) => ids.map((tabId) => ({ tabId }));

/** Tabs whose show ended (every tab-paid meter of the member stopped since it opened): they are settled now. */
async function tabsWhoseShowEnded(): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT t.id FROM card_tabs t
      WHERE t.status = 'OPEN'
        AND EXISTS (SELECT 1 FROM show_participants sp JOIN shows s ON s.id = sp.show_id
                     WHERE sp.member_id = t.member_id AND s.performer_id = t.performer_id AND sp.wallet_type_id = 'tab'
                       AND sp.status = 'ENDED' AND sp.ended_at >= t.opened_at)
        AND NOT EXISTS (SELECT 1 FROM show_participants sp WHERE sp.member_id = t.member_id AND sp.wallet_type_id = 'tab' AND sp.status = 'ACTIVE')`,
  );
  return rows.map((row) => row.id);
}

export async function runTabSweep(now = new Date()): Promise<void> {
  await each(tabIds(await tabsWhoseShowEnded()), ({ tabId }) => closeTab(tabId, "show_ended"));
  await each(tabIds(await selectOpenTabIds(pool)), ({ tabId }) => actOnTab(tabId, now));
  await each(tabIds(await selectSettlingTabIds(pool)), ({ tabId }) => finishClosing(tabId));
  const stalled = await selectStalledCharges(pool, STALLED_CAPTURE_SECONDS);
  await each(
    stalled.map((charge) => ({ tabId: charge.tab_id, seq: charge.seq })),
    ({ tabId, seq }) => collectCapture(tabId, seq),
  );
  await each(tabIds(await selectStaleOpenings(pool, STALE_OPENING_MINUTES)), async ({ tabId }) => {
    const tab = await selectTab(pool, tabId);
    if (tab?.opening_checkout_id) await applyOpening(tabId, await payments().closeCheckout(tab.opening_checkout_id));
    else await cancelUnstartedOpening(tabId);
  });
}
