"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { describeTrpcError, zodFieldErrors } from "@/components/auth/form-errors";
import { contentKindLabel } from "@/components/content/content-kind";
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

interface Draft {
  kind: ContentKind;
  title: string;
  description: string;
  teaser: string;
  body: string;
  price: string;
  planId: string;
  membersOnly: boolean;
}

type Errors = Partial<Record<"kind" | "title" | "description" | "teaser" | "body" | "price" | "planId" | "form", string>>;

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

function firstErrors(fieldErrors: Record<string, string[]>): Errors {
  const errors: Errors = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    if (messages[0] && ["kind", "title", "description", "teaser", "body", "price", "planId"].includes(key)) errors[key as keyof Errors] = messages[0];
  }
  return errors;
}

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
  const [draft, setDraft] = useState<Draft>(() => ({
    kind: item?.kind ?? "VIDEO",
    title: item?.title ?? "",
    description: item?.description ?? "",
    teaser: item?.teaser ?? "",
    body: item?.body ?? "",
    price: item?.price.toString() ?? "",
    planId: item?.planId ?? "",
    membersOnly: item?.membersOnly ?? false,
  }));
  const [errors, setErrors] = useState<Errors>({});
  const pending = create.isPending || update.isPending;

  function change(changes: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...changes }));
    setErrors({});
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = contentFieldsSchema.safeParse({
      title: draft.title,
      description: draft.description,
      teaser: draft.teaser,
      body: draft.kind === "POST" ? draft.body : "",
      price: priceOf(draft.price),
      planId: draft.planId || null,
      membersOnly: draft.membersOnly,
    });
    if (!parsed.success) return setErrors(firstErrors(zodFieldErrors(parsed.error)));
    const membersOnly = membersOnlyProblem(parsed.data);
    if (membersOnly) return setErrors({ planId: membersOnly });
    try {
      if (item) {
        await update.mutateAsync({ itemId: item.id, ...parsed.data });
        toast.success("Saved", `${parsed.data.title} is up to date.`);
        router.refresh();
      } else {
        const { id } = await create.mutateAsync({ kind: draft.kind, ...parsed.data });
        toast.success("Draft created", "Add the files, then publish it.");
        router.push(`/performer/content/${id}`);
      }
    } catch (error) {
      const { message, fieldErrors } = describeTrpcError(error);
      const byField = firstErrors(fieldErrors);
      setErrors(Object.keys(byField).length > 0 ? byField : { form: message });
    }
  }

  return (
    <form className="space-y-5" noValidate onSubmit={(event) => void submit(event)}>
      {errors.form ? <FormAlert>{errors.form}</FormAlert> : null}
      {item ? null : (
        <Field label="Kind" name="kind" error={errors.kind} hint={KIND_HINTS[draft.kind]}>
          {(control) => (
            <Select
              {...control}
              value={draft.kind}
              onChange={(event) => change({ kind: CONTENT_KINDS.find((kind) => kind === event.target.value) ?? draft.kind })}
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
        {(control) => <Input {...control} value={draft.title} maxLength={MAX_TITLE_LENGTH} onChange={(event) => change({ title: event.target.value })} />}
      </Field>
      <Field label="Price" name="price" error={errors.price} hint={`Whole credits, 1 to ${formatCredits(MAX_CONTENT_PRICE)}.`}>
        {(control) => <Input {...control} inputMode="numeric" autoComplete="off" value={draft.price} onChange={(event) => change({ price: event.target.value })} />}
      </Field>
      <Field label="Teaser" name="teaser" labelSuffix="public" error={errors.teaser} hint="Everyone sees this, with the teaser image.">
        {(control) => (
          <Textarea {...control} rows={2} maxLength={MAX_TEASER_LENGTH} value={draft.teaser} onChange={(event) => change({ teaser: event.target.value })} />
        )}
      </Field>
      <Field label="Description" name="description" labelSuffix="optional" error={errors.description}>
        {(control) => (
          <Textarea
            {...control}
            rows={3}
            maxLength={MAX_DESCRIPTION_LENGTH}
            value={draft.description}
            onChange={(event) => change({ description: event.target.value })}
          />
        )}
      </Field>
      {draft.kind === "POST" ? (
        <Field label="Post" name="body" labelSuffix="only buyers and members see it" error={errors.body}>
          {(control) => (
            <Textarea {...control} rows={10} maxLength={MAX_BODY_LENGTH} value={draft.body} onChange={(event) => change({ body: event.target.value })} />
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
          <Select {...control} value={draft.planId} onChange={(event) => change({ planId: event.target.value, membersOnly: event.target.value ? draft.membersOnly : false })}>
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
          onChange={(event) => change({ membersOnly: event.target.checked })}
          className="mt-0.5 size-4 accent-accent-600"
        />
        <span>
          <span className="font-medium">Members only</span>
          <span className="block text-muted">Only members of the plan can get it; nobody can buy it.</span>
        </span>
      </label>
      <Button type="submit" loading={pending}>
        {item ? "Save changes" : "Create draft"}
      </Button>
    </form>
  );
}
