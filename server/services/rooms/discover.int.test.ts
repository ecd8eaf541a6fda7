import { afterAll, describe, expect, it, vi } from "vitest";
import { closeDb } from "@/server/db/client";
import { PERFORMERS_PER_PAGE } from "@/server/domain/discover";
import { setRoomOnline } from "@/server/services/rooms";
import { makeAdmin, makeMember, makePerformer } from "@/server/testing/users";
import { suspendUser } from "@/server/services/accounts";
import { callerAs, trpcCodeOf } from "@/server/testing/api";

vi.mock("@/server/integrations/pusher", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/integrations/pusher")>()),
  pusherServer: (await import("@/server/testing/pusher")).pusherServerCalling(vi.fn(async () => ({}))),
}));

afterAll(async () => {
  await closeDb();
});

describe("performers.discover", () => {
  it("lists the live rooms and pages through every open performer, live ones first", async () => {
    const admin = await makeAdmin();
    const performers = [];
    for (let index = 0; index < PERFORMERS_PER_PAGE + 2; index += 1) {
      performers.push(await makePerformer(admin, `Performer ${String(index).padStart(2, "0")}`));
    }
    const [early, late, suspended] = [performers[5]!, performers[20]!, performers[7]!];
    await setRoomOnline(early, { online: true });
    await setRoomOnline(late, { online: true });
    await setRoomOnline(suspended, { online: true });
    await suspendUser(admin, { userId: suspended.id, reason: "Test" });
    await makeMember("applicant");

    const first = await callerAs(null).performers.discover({ page: 1 });
    expect(first.live.rooms.map((room) => room.username)).toEqual([late.username, early.username]);
    expect(first.live.total).toBe(2);
    expect(first.live.rooms[0]).toMatchObject({ stageName: "Performer 20", access: "PUBLIC", onlineSince: expect.any(Date) });

    expect(first.performers).toMatchObject({ total: PERFORMERS_PER_PAGE + 1, page: 1, pageCount: 2 });
    expect(first.performers.items).toHaveLength(PERFORMERS_PER_PAGE);
    expect(first.performers.items.slice(0, 3).map((item) => [item.stageName, item.online])).toEqual([
      ["Performer 05", true],
      ["Performer 20", true],
      ["Performer 00", false],
    ]);

    const second = await callerAs(await makeMember()).performers.discover({ page: 2 });
    expect(second.performers.items.map((item) => item.stageName)).toEqual(["Performer 25"]);
    const everyone = [...first.performers.items, ...second.performers.items].map((item) => item.username);
    expect(new Set(everyone).size).toBe(PERFORMERS_PER_PAGE + 1);
    expect(everyone).not.toContain(suspended.username);

    const pastTheEnd = await callerAs(null).performers.discover({ page: 3 });
    expect(pastTheEnd.performers).toMatchObject({ items: [], total: PERFORMERS_PER_PAGE + 1, page: 3 });
  });

  it("refuses a page that is not a positive whole number", async () => {
    expect(await trpcCodeOf(() => callerAs(null).performers.discover({ page: 0 }))).toBe("BAD_REQUEST");
    expect(await trpcCodeOf(() => callerAs(null).performers.discover({ page: 1.5 }))).toBe("BAD_REQUEST");
  });
});
