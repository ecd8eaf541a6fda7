import "server-only";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, memberProcedure, performerProcedure } from "@/server/api/trpc";
import { TAB_STATUSES } from "@/server/domain/tabs";
import {
  adminTabs,
  closeTab,
  myLiveTab,
  myTabs,
  openTab,
  openTabSchema,
  payTabDue,
  performerTabs,
  refreshOpening,
  tabFor,
  tabTerms,
  writeOffTab,
} from "@/server/services/tabs";
import { DomainError } from "@/server/domain/errors";

const tabInput = z.object({ tabId: z.uuid() });

/** Card tabs: members open, watch, close and pay them; performers finalise or write off theirs; admins any. */
export const tabsRouter = createTRPCRouter({
  terms: memberProcedure.query(() => tabTerms()),

  mine: memberProcedure.query(({ ctx }) => myLiveTab(ctx.user.id)),

  history: memberProcedure.query(({ ctx }) => myTabs(ctx.user.id)),

  get: memberProcedure.input(tabInput).query(({ ctx, input }) => tabFor(ctx.user, input.tabId)),

  open: memberProcedure.input(openTabSchema).mutation(({ ctx, input }) => openTab(ctx.user.id, input)),

  /** The return page: asks the processor where the tab's opening or payment is, then shows the tab. */
  refresh: memberProcedure.input(tabInput).mutation(async ({ ctx, input }) => {
    const tab = await tabFor(ctx.user, input.tabId);
    if (tab.memberId !== ctx.user.id) throw new DomainError("NOT_FOUND", "That tab does not exist.");
    if (tab.status === "OPENING") await refreshOpening(tab.id);
    return tabFor(ctx.user, input.tabId);
  }),

  close: memberProcedure.input(tabInput).mutation(async ({ ctx, input }) => {
    const tab = await tabFor(ctx.user, input.tabId);
    if (tab.memberId !== ctx.user.id) throw new DomainError("NOT_FOUND", "That tab does not exist.");
    if (tab.status !== "OPEN") throw new DomainError("PRECONDITION_FAILED", "Only an open tab can be closed.");
    await closeTab(tab.id, "member_closed");
    return tabFor(ctx.user, input.tabId);
  }),

  payDue: memberProcedure.input(tabInput).mutation(({ ctx, input }) => payTabDue(ctx.user.id, input.tabId)),

  performerTabs: performerProcedure.query(({ ctx }) => performerTabs(ctx.user.id)),

  /** The performer (for their own tabs) or an admin settles a tab now. */
  finalise: memberProcedure.input(tabInput).mutation(async ({ ctx, input }) => {
    if (ctx.user.role !== "PERFORMER" && ctx.user.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only the performer or an administrator can finalise a tab.");
    const tab = await tabFor(ctx.user, input.tabId);
    if (ctx.user.role === "PERFORMER" && tab.performerId !== ctx.user.id) throw new DomainError("NOT_FOUND", "That tab does not exist.");
    if (tab.status !== "OPEN") throw new DomainError("PRECONDITION_FAILED", "Only an open tab can be finalised.");
    await closeTab(tab.id, ctx.user.role === "ADMIN" ? "admin_finalised" : "performer_finalised");
    return tabFor(ctx.user, input.tabId);
  }),

  /** "Hang up anyway": the performer (their own tabs) or an admin writes off what a failed card left unpaid. */
  writeOff: memberProcedure.input(tabInput).mutation(async ({ ctx, input }) => {
    if (ctx.user.role !== "PERFORMER" && ctx.user.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only the performer or an administrator can write off a tab.");
    await writeOffTab({ id: ctx.user.id, role: ctx.user.role }, input.tabId);
    return tabFor(ctx.user, input.tabId);
  }),

  list: adminProcedure.input(z.object({ status: z.enum(TAB_STATUSES).nullable() })).query(({ input }) => adminTabs(input.status)),
});
