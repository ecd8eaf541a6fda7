import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prisma } from "@/server/db/client";
import type { ContentKind } from "@/server/domain/content-rules";
import { addContentFile, createContentItem, setContentStatus } from "@/server/services/content";

/**
 * Demo paid content, made through the content service like a performer's uploads. Each item is created once
 * (looked up by performer and title). The media in prisma/seed-assets/ are small files rendered once in
 * Chromium (a canvas recorded with MediaRecorder for the WebM, canvas.toBlob for the images) and kept in the
 * repository, so seeding needs no media tools.
 */

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), "seed-assets");

interface DemoFile {
  asset: string;
  type: string;
}

interface DemoItem {
  kind: ContentKind;
  title: string;
  description: string;
  teaser: string;
  body?: string;
  price: bigint;
  /** The name of the performer's plan whose members get it free, if the demo plans exist. */
  planName?: string;
  membersOnly?: boolean;
  teaserImage?: DemoFile;
  files?: DemoFile[];
}

const jpeg = (asset: string): DemoFile => ({ asset, type: "image/jpeg" });

const LUNA_ITEMS: DemoItem[] = [
  {
    kind: "VIDEO",
    title: "Moonlight loop session",
    description: "Four seconds that took four hours: the loop-pedal intro from Friday's stream, recorded clean.",
    teaser: "The loop that opened Friday's show, as a clip you can keep.",
    price: 40n,
    teaserImage: jpeg("luna-video-teaser.jpg"),
    files: [{ asset: "luna-loop.webm", type: "video/webm" }],
  },
  {
    kind: "PICTURES",
    title: "Backstage at the Blue Room",
    description: "Three pictures from the green room before the winter tour's last night.",
    teaser: "Pedals, coffee and a very small stage.",
    price: 25n,
    teaserImage: jpeg("luna-pictures-teaser.jpg"),
    files: [jpeg("luna-pictures-1.jpg"), jpeg("luna-pictures-2.jpg"), { asset: "luna-pictures-3.png", type: "image/png" }],
  },
  {
    kind: "POST",
    title: "Setlist notes: the winter tour",
    description: "Free for Luna's Inner Circle.",
    teaser: "Why the encore changed every night, and the song that almost made it.",
    body: [
      "Every night of the winter tour ended with a different encore, and the chat picked it.",
      "The one that almost made it was a slowed-down cover I had only played once, at a soundcheck. Next month it opens the show.",
      "Thank you for voting, tipping and staying up late with me.",
    ].join("\n\n"),
    price: 10n,
    planName: "Luna's Inner Circle",
  },
];

const REX_ITEMS: DemoItem[] = [
  {
    kind: "PICTURES",
    title: "Street food, step by step",
    description: "The steps of Saturday's bao, one picture each.",
    teaser: "From dough to steamer in two pictures.",
    price: 15n,
    teaserImage: jpeg("rex-teaser.jpg"),
    files: [jpeg("rex-pictures-1.jpg"), jpeg("rex-pictures-2.jpg")],
  },
  {
    kind: "POST",
    title: "My kimchi recipe",
    description: "For the Kitchen Club only.",
    teaser: "The ratios, the salt and the waiting.",
    body: "Two kilos of napa cabbage, 3% salt by weight, and patience.\n\nRinse after eight hours, mix the paste, pack it tight and wait five days.",
    price: 8n,
    planName: "Rex's Kitchen Club",
    membersOnly: true,
  },
  {
    kind: "ROOM_ACCESS",
    title: "Sunday cook-along seat",
    description: "A seat in Sunday's cook-along room.",
    teaser: "Cook with me live, ask questions as we go.",
    price: 30n,
  },
];

async function seedItem(performerId: string, item: DemoItem): Promise<void> {
  const existing = await prisma.contentItem.findFirst({ where: { performerId, title: item.title }, select: { id: true } });
  if (existing) return;
  const plan = item.planName
    ? await prisma.membershipPlan.findFirst({ where: { performerId, name: item.planName }, select: { id: true } })
    : null;
  const { id } = await createContentItem(performerId, {
    kind: item.kind,
    title: item.title,
    description: item.description,
    teaser: item.teaser,
    body: item.body ?? "",
    price: item.price,
    planId: plan?.id ?? null,
    membersOnly: plan ? (item.membersOnly ?? false) : false,
  });
  const upload = (role: "TEASER" | "PROTECTED", file: DemoFile) =>
    addContentFile(performerId, {
      itemId: id,
      role,
      fileName: file.asset,
      declaredType: file.type,
      data: new Uint8Array(readFileSync(path.join(ASSETS, file.asset))),
    });
  if (item.teaserImage) await upload("TEASER", item.teaserImage);
  for (const file of item.files ?? []) await upload("PROTECTED", file);
  await setContentStatus(performerId, { itemId: id, status: "PUBLISHED" });
}

export async function seedContent(ids: { performer1: string; performer2: string }): Promise<void> {
  for (const item of LUNA_ITEMS) await seedItem(ids.performer1, item);
  for (const item of REX_ITEMS) await seedItem(ids.performer2, item);
}
