import "server-only";
/** Typed admin settings with their defaults: read inside money transactions by key, read and written by the admin page. */
import { z } from "zod";
import { prisma } from "@/server/db/client";
import type { Queryable } from "@/server/db/transaction";
import { DomainError } from "@/server/domain/errors";
import { SETTINGS, type SettingKey, type SettingValue } from "@/server/domain/settings";
import type { Prisma } from "@/server/generated/prisma/client";
import { recordAuditWithPrisma } from "@/server/services/audit/record";

export { SETTINGS, type SettingKey, type SettingValue };

/** JSON has no bigint: amounts are stored as strings and coerced back by the schemas. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

/** TypeScript cannot narrow the union of schemas by a generic key; each entry's schema does produce its value. */
function settingSchema<Key extends SettingKey>(key: Key): z.ZodType<SettingValue<Key>> {
  return SETTINGS[key].schema as unknown as z.ZodType<SettingValue<Key>>;
}

function settingFrom<Key extends SettingKey>(key: Key, stored: unknown): SettingValue<Key> {
  return settingSchema(key).parse(stored === undefined ? JSON.parse(toJson(SETTINGS[key].default)) : stored);
}

/** One setting, read with the caller's client: services read settings inside their own (pg) transactions. */
export async function getSetting<Key extends SettingKey>(db: Queryable, key: Key): Promise<SettingValue<Key>> {
  const { rows } = await db.query<{ value: unknown }>("SELECT value FROM platform_settings WHERE key = $1", [key]);
  return settingFrom(key, rows[0]?.value);
}

export type AllSettings = { [Key in SettingKey]: SettingValue<Key> };

/** Every setting at once, for the admin settings page. */
export async function getAllSettings(): Promise<AllSettings> {
  const rows = await prisma.platformSetting.findMany({ select: { key: true, value: true } });
  const stored = new Map<string, unknown>(rows.map((row) => [row.key, row.value]));
  const keys = Object.keys(SETTINGS) as SettingKey[];
  return Object.fromEntries(keys.map((key) => [key, settingFrom(key, stored.get(key))])) as AllSettings;
}

/** An admin changes a setting; the whole value is checked, and the old and new values are audited together. */
export async function setSetting<Key extends SettingKey>(adminId: string, key: Key, value: unknown): Promise<SettingValue<Key>> {
  const schema = settingSchema(key);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DomainError("BAD_REQUEST", parsed.error.issues.map((issue) => `${issue.path.join(".") || key}: ${issue.message}`).join("; "));
  }
  const stored = JSON.parse(toJson(parsed.data)) as Prisma.InputJsonValue;
  return prisma.$transaction(async (tx) => {
    const before = settingFrom(key, (await tx.platformSetting.findUnique({ where: { key }, select: { value: true } }))?.value);
    await tx.platformSetting.upsert({
      where: { key },
      create: { key, value: stored, updatedById: adminId },
      update: { value: stored, updatedById: adminId, updatedAt: new Date() },
    });
    await recordAuditWithPrisma(tx, { actorId: adminId, action: "setting.set", target: { type: "setting", id: key }, details: { before, after: parsed.data } });
    return parsed.data;
  });
}
