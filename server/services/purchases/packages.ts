import "server-only";
import { prisma } from "@/server/db/client";
import { DomainError } from "@/server/domain/errors";
import { recordAuditWithPrisma } from "../audit/record";

import { isPackageCurrency, PACKAGE_CURRENCIES, type PackageCurrency, packagePriceProblem, UNSUPPORTED_CURRENCY_MESSAGE } from "@/server/domain/packages";

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

const MAX_CREDITS = 100_000_000n;

export function validatePackage(input: PackageInput): void {
  if (input.name.trim().length < 2) throw new DomainError("BAD_REQUEST", "Give the package a name.");
  if (input.credits <= 0n || input.credits > MAX_CREDITS) throw new DomainError("BAD_REQUEST", "Credits must be between 1 and 100,000,000.");
  if (input.bonusCredits < 0n || input.bonusCredits > input.credits * 10n) {
    throw new DomainError("BAD_REQUEST", "Bonus credits must be zero or more, and at most ten times the credits.");
  }
  if (!isPackageCurrency(input.currency)) throw new DomainError("BAD_REQUEST", UNSUPPORTED_CURRENCY_MESSAGE);
  const priceProblem = packagePriceProblem(input.priceMinor, input.currency);
  if (priceProblem) throw new DomainError("BAD_REQUEST", priceProblem);
}

/** On sale: active, and priced in a currency the shop still takes by card. */
export function activePackages() {
  return prisma.creditPackage.findMany({ where: { active: true, currency: { in: [...PACKAGE_CURRENCIES] } }, orderBy: [{ sortOrder: "asc" }, { priceMinor: "asc" }] });
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
