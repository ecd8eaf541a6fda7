"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { z } from "zod";
import { contentKindLabel } from "@/components/content/content-kind";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import {
  CONTENT_KINDS,
  type ContentKind,
  MAX_BODY_LENGTH,
  MAX_CONTENT_PRICE,
  MAX_DESCRIPTION_LENGTH,
  MAX_TEASER_LENGTH,
  MAX_TITLE_LENGTH,
  contentFieldsSchema,
  contentPriceSchema,
  membersOnlyProblem,
} from "@/server/domain/content-rules";
import { formatCredits } from "@/server/domain/money";
import type { PlanChoice } from "@/server/services/content";

export interface ContentFormValues {
  kind: ContentKind;
  title: string;
  description: string;
  teaser: string;
  body: string;
  price: bigint;
  planId: string | null;
  membersOnly: boolean;
}

const KIND_HINTS: Record<ContentKind, string> = {
  VIDEO: "One MP4 or WebM video, played in the browser.",
  PICTURES: "A set of up to 50 pictures.",
  POST: "A page of text, with optional pictures.",
  ROOM_ACCESS: "Paid entry to your live room; set your room's access to this item.",
};

/** "1,000" or "250" as credits; anything else is kept as text so the schema names the problem. */
function priceOf(text: string): bigint | string {
  const cleaned = text.trim().replace(/,/g, "");
  return /^-?\d{1,20}$/.test(cleaned) ? BigInt(cleaned) : text;
}

/** The server's field rules, plus the kind (fixed once created); a price that isn't a whole number reaches the price rule as text, which names the problem. */
const contentInputSchema = contentFieldsSchema.extend({ kind: z.enum(CONTENT_KINDS), price: z.unknown().pipe(contentPriceSchema) });

/** The form read into that input: a body only for posts, no plan as null. */
const contentFormSchema = z
  .object({
    kind: z.enum(CONTENT_KINDS),
    title: z.string(),
    description: z.string(),
    teaser: z.string(),
    body: z.string(),
    price: z.string(),
    planId: z.string(),
    membersOnly: z.boolean(),
  })
  .transform(
    ({ kind, body, price, planId, ...fields }): z.input<typeof contentInputSchema> => ({
      ...fields,
      kind,
      body: kind === "POST" ? body : "",
      price: priceOf(price),
      planId: planId || null,
    }),
  )
  .pipe(contentInputSchema)
  .superRefine((fields, ctx) => {
    const problem = membersOnlyProblem(fields);
    if (problem) ctx.addIssue({ code: "custom", path: ["planId"], message: problem });
  });

interface ContentItemFormProps {
  /** The item being edited, or null to create one. */
  item: (ContentFormValues & { id: string }) | null;
  plans: PlanChoice[];
}

/** Create or edit an item's details. A new item is saved as a draft and opens its editor for uploads. */
export function ContentItemForm({ item, plans }: ContentItemFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const create = useMutation(trpc.content.create.mutationOptions());
  const update = useMutation(trpc.content.update.mutationOptions());
  const form = useZodForm({
    schema: contentFormSchema,
    initial: {
      kind: item?.kind ?? ("VIDEO" as ContentKind),
      title: item?.title ?? "",
      description: item?.description ?? "",
      teaser: item?.teaser ?? "",
      body: item?.body ?? "",
      price: item?.price.toString() ?? "",
      planId: item?.planId ?? "",
      membersOnly: item?.membersOnly ?? false,
    },
  });
  const { values: draft, errors, set } = form;

  const submit = form.onSubmit(async ({ kind, ...fields }) => {
    if (item) {
      await update.mutateAsync({ itemId: item.id, ...fields });
      toast.success("Saved", `${fields.title} is up to date.`);
      router.refresh();
    } else {
      const { id } = await create.mutateAsync({ kind, ...fields });
      toast.success("Draft created", "Add the files, then publish it.");
      router.push(`/performer/content/${id}`);
    }
  });

  return (
    <form className="space-y-5" noValidate onSubmit={submit}>
      {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
      {item ? null : (
        <Field label="Kind" name="kind" error={errors.kind} hint={KIND_HINTS[draft.kind]}>
          {(control) => (
            <Select
              {...control}
              value={draft.kind}
              onChange={(event) => set("kind", CONTENT_KINDS.find((kind) => kind === event.target.value) ?? draft.kind)}
            >
              {CONTENT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {contentKindLabel(kind)}
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
      <Field label="Title" name="title" error={errors.title}>
        {(control) => <Input {...control} value={draft.title} maxLength={MAX_TITLE_LENGTH} onChange={(event) => set("title", event.target.value)} />}
      </Field>
      <Field label="Price" name="price" error={errors.price} hint={`Whole credits, 1 to ${formatCredits(MAX_CONTENT_PRICE)}.`}>
        {(control) => <Input {...control} inputMode="numeric" autoComplete="off" value={draft.price} onChange={(event) => set("price", event.target.value)} />}
      </Field>
      <Field label="Teaser" name="teaser" labelSuffix="public" error={errors.teaser} hint="Everyone sees this, with the teaser image.">
        {(control) => (
          <Textarea {...control} rows={2} maxLength={MAX_TEASER_LENGTH} value={draft.teaser} onChange={(event) => set("teaser", event.target.value)} />
        )}
      </Field>
      <Field label="Description" name="description" labelSuffix="optional" error={errors.description}>
        {(control) => (
          <Textarea
            {...control}
            rows={3}
            maxLength={MAX_DESCRIPTION_LENGTH}
            value={draft.description}
            onChange={(event) => set("description", event.target.value)}
          />
        )}
      </Field>
      {draft.kind === "POST" ? (
        <Field label="Post" name="body" labelSuffix="only buyers and members see it" error={errors.body}>
          {(control) => (
            <Textarea {...control} rows={10} maxLength={MAX_BODY_LENGTH} value={draft.body} onChange={(event) => set("body", event.target.value)} />
          )}
        </Field>
      ) : null}
      <Field
        label="Membership plan"
        name="planId"
        labelSuffix="optional"
        error={errors.planId}
        hint={plans.length > 0 ? "Members of this plan get the item without paying." : "Create a fan club plan to offer content to members."}
      >
        {(control) => (
          <Select {...control} value={draft.planId} onChange={(event) => {
              set("planId", event.target.value);
              if (!event.target.value) set("membersOnly", false);
            }}>
            <option value="">No plan: everyone pays</option>
            {plans.map((plan) => (
              <option key={plan.id} value={plan.id}>
                {plan.site ? `${plan.name} (site plan)` : plan.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          checked={draft.membersOnly}
          disabled={!draft.planId}
          onChange={(event) => set("membersOnly", event.target.checked)}
          className="mt-0.5 size-4 accent-accent-600"
        />
        <span>
          <span className="font-medium">Members only</span>
          <span className="block text-muted">Only members of the plan can get it; nobody can buy it.</span>
        </span>
      </label>
      <Button type="submit" loading={form.pending}>
        {item ? "Save changes" : "Create draft"}
      </Button>
    </form>
  );
}
