import "server-only";
import { z } from "zod";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import type { ShippingAddress } from "@/server/domain/store";
import { canDownload, nextStatuses, orderActorsFor } from "@/server/domain/store-orders";
import type { StoreItem, StoreOrder } from "@/server/generated/prisma/client";
import type { Role, StoreItemKind, StoreOrderStatus } from "@/server/generated/prisma/enums";
import { adminOrderIds } from "./queries";

/** What buyers, sellers and admins see of store orders: the order tables, one order with its history, the download. */

export interface Viewer {
  id: string;
  role: Role;
}

export interface OrderParty {
  id: string;
  username: string;
  name: string;
}

export interface OrderSummary {
  id: string;
  itemId: string;
  kind: StoreItemKind;
  title: string;
  status: StoreOrderStatus;
  quantity: number;
  unitPrice: bigint;
  total: bigint;
  walletPart: bigint;
  /** The wallet the wallet part came from (Credits unless the buyer chose another). */
  walletName: string;
  cardPart: bigint;
  cardAmountMinor: bigint;
  currency: string | null;
  buyer: OrderParty;
  /** Null: sold by the site itself. */
  seller: OrderParty | null;
  shippingAddress: ShippingAddress | null;
  trackingNote: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Statuses the viewer may move this order to (the card payment's own moves are not theirs). */
  nextStatuses: StoreOrderStatus[];
  canCancel: boolean;
  /** The viewer bought a digital item whose file they may download now. */
  canDownload: boolean;
}

export interface OrderEventView {
  status: StoreOrderStatus;
  note: string | null;
  by: string | null;
  at: Date;
}

export interface OrderView extends OrderSummary {
  events: OrderEventView[];
  /** The buyer may still pay the card part in Stripe Checkout. */
  awaitingCard: boolean;
}

type OrderWithItem = StoreOrder & { item: Pick<StoreItem, "kind" | "title" | "storageKey">; wallet: { name: string } };

const WITH_ITEM = { item: { select: { kind: true, title: true, storageKey: true } }, wallet: { select: { name: true } } } as const;

interface Party {
  username: string;
  displayName: string;
  stageName: string | null;
}

/** The buyers and sellers of these orders, by id, in one query. */
async function partiesOf(orders: readonly StoreOrder[]): Promise<Map<string, Party>> {
  const ids = [...new Set(orders.flatMap((order) => (order.sellerId ? [order.buyerId, order.sellerId] : [order.buyerId])))];
  const users = await prisma.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, username: true, displayName: true, performerProfile: { select: { stageName: true } } },
  });
  return new Map(users.map((user) => [user.id, { username: user.username, displayName: user.displayName, stageName: user.performerProfile?.stageName ?? null }]));
}

function summaryOf(order: OrderWithItem, parties: Map<string, Party>, viewer: Viewer): OrderSummary {
  const actors = orderActorsFor(viewer, order);
  const viewerActors = actors.filter((actor) => actor !== "PAYMENT");
  const buyer = parties.get(order.buyerId);
  const seller = order.sellerId ? parties.get(order.sellerId) : undefined;
  return {
    id: order.id,
    itemId: order.itemId,
    kind: order.item.kind,
    title: order.item.title,
    status: order.status,
    quantity: order.quantity,
    unitPrice: order.unitPrice,
    total: order.total,
    walletPart: order.walletPart,
    walletName: order.wallet.name,
    cardPart: order.cardPart,
    cardAmountMinor: order.cardAmountMinor,
    currency: order.currency,
    buyer: { id: order.buyerId, username: buyer?.username ?? "", name: buyer?.displayName ?? "" },
    seller: order.sellerId ? { id: order.sellerId, username: seller?.username ?? "", name: seller?.stageName ?? seller?.displayName ?? "" } : null,
    shippingAddress: order.shippingAddress as ShippingAddress | null,
    trackingNote: order.trackingNote,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    nextStatuses: nextStatuses(order.status, order.item.kind, viewerActors).filter((status) => status !== "CANCELLED"),
    canCancel: nextStatuses(order.status, order.item.kind, viewerActors).includes("CANCELLED"),
    canDownload: actors.includes("BUYER") && order.item.kind === "DIGITAL" && order.item.storageKey !== null && canDownload(order.status),
  };
}

async function summariesOf(orders: OrderWithItem[], viewer: Viewer): Promise<OrderSummary[]> {
  const parties = await partiesOf(orders);
  return orders.map((order) => summaryOf(order, parties, viewer));
}

const LIST_LIMIT = 100;

export async function ordersOfBuyer(buyer: Viewer): Promise<OrderSummary[]> {
  const orders = await prisma.storeOrder.findMany({ where: { buyerId: buyer.id }, include: WITH_ITEM, orderBy: { createdAt: "desc" }, take: LIST_LIMIT });
  return summariesOf(orders, buyer);
}

/** A performer's orders; never another seller's. */
export async function ordersOfSeller(seller: Viewer): Promise<OrderSummary[]> {
  const orders = await prisma.storeOrder.findMany({ where: { sellerId: seller.id }, include: WITH_ITEM, orderBy: { createdAt: "desc" }, take: LIST_LIMIT });
  return summariesOf(orders, seller);
}

export const adminOrderFilterSchema = z.object({
  status: z.enum(["AWAITING_PAYMENT", "PAID", "SHIPPED", "DELIVERED", "REFUNDED", "CANCELLED"]).optional(),
  /** Site items, performers' items, or both. */
  seller: z.enum(["site", "performers"]).optional(),
  kind: z.enum(["PHYSICAL", "DIGITAL"]).optional(),
  /** Part of a buyer's or seller's username, an item title, or an order id. */
  search: z.string().trim().max(100).optional(),
});
export type AdminOrderFilter = z.input<typeof adminOrderFilterSchema>;

export async function ordersForAdmin(admin: Viewer, filter: AdminOrderFilter): Promise<OrderSummary[]> {
  if (admin.role !== "ADMIN") throw new DomainError("FORBIDDEN", "Only administrators can do that.");
  const { status, seller, kind, search } = adminOrderFilterSchema.parse(filter);
  const ids = await adminOrderIds({ status, seller, kind, search }, LIST_LIMIT);
  const orders = await prisma.storeOrder.findMany({ where: { id: { in: ids } }, include: WITH_ITEM });
  const byId = new Map(orders.map((order) => [order.id, order]));
  return summariesOf(
    ids.flatMap((id) => byId.get(id) ?? []),
    admin,
  );
}

/** One order for its buyer, its seller or an admin, with its history; anyone else is told it does not exist. */
export async function orderFor(viewer: Viewer, orderId: string): Promise<OrderView> {
  const order = await prisma.storeOrder.findUnique({
    where: { id: orderId },
    include: { ...WITH_ITEM, events: { orderBy: { id: "asc" }, select: { status: true, note: true, actorId: true, createdAt: true } } },
  });
  if (!order || orderActorsFor(viewer, order).length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
  const summary = (await summariesOf([order], viewer))[0] as OrderSummary;
  const actorIds = [...new Set(order.events.flatMap((event) => (event.actorId ? [event.actorId] : [])))];
  const actors = await prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } });
  const names = new Map(actors.map((actor) => [actor.id, actor.displayName]));
  return {
    ...summary,
    events: order.events.map((event) => ({ status: event.status, note: event.note, by: (event.actorId && names.get(event.actorId)) ?? null, at: event.createdAt })),
    awaitingCard: summary.status === "AWAITING_PAYMENT" && summary.buyer.id === viewer.id,
  };
}

/** What the download route streams: the buyer's digital item while the order is paid and not refunded. */
export async function downloadableFile(viewer: Viewer, orderId: string): Promise<{ storageKey: string; fileName: string; mimeType: string }> {
  const order = await prisma.storeOrder.findUnique({
    where: { id: orderId },
    select: { buyerId: true, sellerId: true, status: true, item: { select: { kind: true, storageKey: true, fileName: true, mimeType: true } } },
  });
  // Someone who can't see the order is told what they'd be told of a missing one, as store.order tells them.
  if (!order || orderActorsFor(viewer, order).length === 0) throw new DomainError("NOT_FOUND", "That order does not exist.");
  if (order.buyerId !== viewer.id) throw new DomainError("FORBIDDEN", "Only the buyer can download this item.");
  const { item } = order;
  if (item.kind !== "DIGITAL" || !item.storageKey || !canDownload(order.status)) throw new DomainError("FORBIDDEN", "This order has no file to download.");
  return { storageKey: item.storageKey, fileName: item.fileName ?? "download", mimeType: item.mimeType ?? "application/octet-stream" };
}
