import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pool } from "@/server/db/client";
import type { StoreItemKind } from "@/server/generated/prisma/enums";
import { attachItemFile, itemOwnerFor, saveItem } from "@/server/services/store";

/**
 * Demo store items, made through the store service like a seller's own: the site's merch and downloads, and
 * Luna's. Each item is created once (looked up by seller and title). The files are small assets kept in
 * prisma/seed-assets/ (two generated gradient wallpapers zipped, a one-page PDF).
 */

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), "seed-assets");

interface DemoStoreItem {
  kind: StoreItemKind;
  title: string;
  description: string;
  price: bigint;
  stock: number | null;
  file?: { asset: string; type: string };
}

const SITE_ITEMS: DemoStoreItem[] = [
  {
    kind: "PHYSICAL",
    title: "Tipmeter T-shirt",
    description: "Soft black cotton with the Tipmeter meter on the chest. Unisex fit.",
    price: 150n,
    stock: 25,
  },
  {
    kind: "DIGITAL",
    title: "Neon night wallpaper pack",
    description: "Two gradient wallpapers in the Tipmeter night colours, ready for any screen.",
    price: 20n,
    stock: null,
    file: { asset: "store-wallpapers.zip", type: "application/zip" },
  },
];

const LUNA_ITEMS: DemoStoreItem[] = [
  {
    kind: "PHYSICAL",
    title: "Signed photo",
    description: "A 5×7 print from the winter tour, signed by hand and posted in a stiff envelope.",
    price: 120n,
    stock: 10,
  },
  {
    kind: "DIGITAL",
    title: "Loop-pedal chord sheets",
    description: "The chords behind the loops of the live sets, as a printable PDF.",
    price: 30n,
    stock: null,
    file: { asset: "store-luna-chord-sheets.pdf", type: "application/pdf" },
  },
];

async function seedItems(seller: { id: string; role: "ADMIN" | "PERFORMER" }, items: DemoStoreItem[]): Promise<void> {
  const owner = itemOwnerFor(seller);
  for (const item of items) {
    const { rows } = await pool.query<{ id: string; has_file: boolean }>(
      "SELECT id, storage_key IS NOT NULL AS has_file FROM store_items WHERE seller_id IS NOT DISTINCT FROM $1::uuid AND title = $2",
      [owner.sellerId, item.title],
    );
    const existing = rows[0];
    const itemId =
      existing?.id ??
      (await saveItem(owner, { kind: item.kind, title: item.title, description: item.description, price: item.price, stock: item.stock, active: true })).id;
    if (item.file && !existing?.has_file) {
      const fileName = item.file.asset.replace(/^store-(luna-)?/, "");
      await attachItemFile(owner, itemId, { bytes: readFileSync(path.join(ASSETS, item.file.asset)), fileName, declaredType: item.file.type });
    }
  }
}

export async function seedStore(ids: { admin: string; performer1: string }): Promise<void> {
  await seedItems({ id: ids.admin, role: "ADMIN" }, SITE_ITEMS);
  await seedItems({ id: ids.performer1, role: "PERFORMER" }, LUNA_ITEMS);
}
