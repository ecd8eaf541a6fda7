import "server-only";
import { prisma } from "@/server/db/client";
import { env } from "@/server/env";
import { DomainError } from "@/server/domain/errors";
import { isPackageCurrency } from "@/server/domain/packages";
import { type Checkout, payments } from "@/server/integrations/payments";
import type { OutgoingEmail } from "@/server/integrations/email";
import { purchaseReceiptEmail } from "./receipt-email";

export interface CheckoutStart {
  purchaseId: string;
  checkoutUrl: string;
}

/**
 * Starts buying a credit package: the purchase row first, then the Checkout Session (outside any database
 * transaction, with a Stripe idempotency key derived from the purchase), then the session's id on the row.
 * A retry with the member's key returns the same purchase and the same session.
 */
export async function startCheckout(input: { userId: string; packageId: string; idempotencyKey: string }): Promise<CheckoutStart> {
  const existing = await prisma.creditPurchase.findUnique({
    where: { userId_idempotencyKey: { userId: input.userId, idempotencyKey: input.idempotencyKey } },
  });
  if (existing && existing.packageId !== input.packageId) {
    throw new DomainError("CONFLICT", "This checkout was already started for another package.");
  }
  const purchase =
    existing ??
    (await createPurchase(input.userId, input.packageId, input.idempotencyKey));

  const session = await createCheckoutSession(purchase);
  if (purchase.stripeCheckoutSessionId !== session.id) {
    await prisma.creditPurchase.update({ where: { id: purchase.id }, data: { stripeCheckoutSessionId: session.id } });
  }
  if (!session.url) throw new Error(`Checkout session ${session.id} has no url`);
  return { purchaseId: purchase.id, checkoutUrl: session.url };
}

async function createPurchase(userId: string, packageId: string, idempotencyKey: string) {
  const pack = await prisma.creditPackage.findUnique({ where: { id: packageId } });
  if (!pack || !pack.active || !isPackageCurrency(pack.currency)) throw new DomainError("NOT_FOUND", "That credit package is not on sale.");
  try {
    return await prisma.creditPurchase.create({
      data: {
        userId,
        packageId,
        idempotencyKey,
        credits: pack.credits + pack.bonusCredits,
        priceMinor: pack.priceMinor,
        currency: pack.currency,
      },
      include: { package: true },
    });
  } catch (error) {
    const concurrent = await prisma.creditPurchase.findUnique({
      where: { userId_idempotencyKey: { userId, idempotencyKey } },
      include: { package: true },
    });
    if (concurrent) return concurrent;
    throw error;
  }
}

async function createCheckoutSession(purchase: {
  id: string;
  credits: bigint;
  priceMinor: bigint;
  currency: string;
  userId: string;
  packageId: string;
}): Promise<Checkout> {
  const pack = await prisma.creditPackage.findUniqueOrThrow({ where: { id: purchase.packageId } });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: purchase.userId }, select: { email: true } });
  return payments().createCheckout({
    amountMinor: purchase.priceMinor,
    currency: purchase.currency,
    description: `${pack.name}: ${purchase.credits.toString()} credits`,
    customerEmail: user.email,
    reference: purchase.id,
    metadata: { purchase_id: purchase.id, user_id: purchase.userId },
    successUrl: `${env.APP_URL}/wallet/purchases/${purchase.id}`,
    cancelUrl: `${env.APP_URL}/wallet/buy?cancelled=${purchase.id}`,
    idempotencyKey: `checkout:${purchase.id}`,
  });
}

export async function purchaseForMember(userId: string, purchaseId: string) {
  const purchase = await prisma.creditPurchase.findUnique({
    where: { id: purchaseId },
    select: { id: true, userId: true, status: true, credits: true, priceMinor: true, currency: true, createdAt: true, package: { select: { name: true } } },
  });
  if (!purchase || purchase.userId !== userId) throw new DomainError("NOT_FOUND", "That purchase does not exist.");
  return purchase;
}

/**
 * The receipt for a purchase the webhook credited, rendered when the outbox delivers it: the card's last four
 * digits come from the processor's payment, read then (outside the crediting transaction); if Stripe can't be read, the
 * receipt goes without them.
 */
export async function renderPurchaseReceipt(purchaseId: string): Promise<OutgoingEmail> {
  const purchase = await prisma.creditPurchase.findUniqueOrThrow({
    where: { id: purchaseId },
    select: {
      id: true,
      credits: true,
      priceMinor: true,
      currency: true,
      stripePaymentIntentId: true,
      updatedAt: true,
      package: { select: { name: true } },
      user: { select: { email: true, displayName: true } },
    },
  });
  return purchaseReceiptEmail({
    to: purchase.user.email,
    name: purchase.user.displayName,
    purchaseId: purchase.id,
    packageName: purchase.package.name,
    credits: purchase.credits,
    priceMinor: purchase.priceMinor,
    currency: purchase.currency,
    paidWith: purchase.stripePaymentIntentId ? await paymentMethodOf(purchase.stripePaymentIntentId) : null,
    at: purchase.updatedAt,
    appUrl: env.APP_URL,
  });
}

async function paymentMethodOf(paymentIntentId: string): Promise<string | null> {
  try {
    return (await payments().paymentMethodOf(paymentIntentId))?.label ?? null;
  } catch (error) {
    console.error(`payment method of ${paymentIntentId} not read for its receipt`, error);
    return null;
  }
}
