import "server-only";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { recordAuditWithPrisma } from "../audit/record";

import type { PackageCurrency } from "@/server/domain/packages";

export { PACKAGE_CURRENCIES, type PackageCurrency } from "@/server/domain/packages";

export interface PackageInput {
  name: string;
  credits: bigint;
  bonusCredits: bigint;
  priceMinor: bigint;
  currency: PackageCurrency;
  active: boolean;
  sortOrder: number;
}

/** Stripe amounts travel as JSON numbers; keep prices where that is exact, and out of absurd ranges. */
const MAX_PRICE_MINOR = 100_000_00n;
const MAX_CREDITS = 100_000_000n;

export function validatePackage(input: PackageInput): void {
  if (input.name.trim().length < 2) throw new DomainError("BAD_REQUEST", "Give the package a name.");
  if (input.credits <= 0n || input.credits > MAX_CREDITS) throw new DomainError("BAD_REQUEST", "Credits must be between 1 and 100,000,000.");
  if (input.bonusCredits < 0n || input.bonusCredits > input.credits * 10n) {
    throw new DomainError("BAD_REQUEST", "Bonus credits must be zero or more, and at most ten times the credits.");
  }
  if (input.priceMinor < 50n || input.priceMinor > MAX_PRICE_MINOR) {
    throw new DomainError("BAD_REQUEST", "The price must be between 0.50 and 100,000.00.");
  }
}

export function activePackages() {
  return prisma.creditPackage.findMany({ where: { active: true }, orderBy: [{ sortOrder: "asc" }, { priceMinor: "asc" }] });
}

export function allPackages() {
  return prisma.creditPackage.findMany({ orderBy: [{ active: "desc" }, { sortOrder: "asc" }, { priceMinor: "asc" }] });
}

export async function createPackage(adminId: string, input: PackageInput) {
  validatePackage(input);
  return prisma.$transaction(async (tx) => {
    const created = await tx.creditPackage.create({ data: { ...input, name: input.name.trim() } });
    await recordAuditWithPrisma(tx, { actorId: adminId, action: "package.create", target: { type: "credit_package", id: created.id }, details: packageDetails(input) });
    return created;
  });
}

export async function updatePackage(adminId: string, id: string, input: PackageInput) {
  validatePackage(input);
  return prisma.$transaction(async (tx) => {
    const existing = await tx.creditPackage.findUnique({ where: { id } });
    if (!existing) throw new DomainError("NOT_FOUND", "That package does not exist.");
    const updated = await tx.creditPackage.update({ where: { id }, data: { ...input, name: input.name.trim() } });
    await recordAuditWithPrisma(tx, { actorId: adminId, action: "package.update", target: { type: "credit_package", id }, details: packageDetails(input) });
    return updated;
  });
}

function packageDetails(input: PackageInput) {
  return {
    name: input.name,
    credits: input.credits.toString(),
    bonusCredits: input.bonusCredits.toString(),
    priceMinor: input.priceMinor.toString(),
    currency: input.currency,
    active: input.active,
    sortOrder: input.sortOrder,
  };
}
