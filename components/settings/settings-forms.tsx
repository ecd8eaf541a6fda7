"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import { useId } from "react";
import { useZodForm } from "@/components/kit/use-zod-form";
import { useTRPC } from "@/components/providers/trpc";
import {
  type FormState,
  SETTING_SECTIONS,
  type SettingField,
  type SettingSection,
  formStateFrom,
  settingFieldAliases,
  settingFormSchema,
  toggleKey,
} from "@/components/settings/setting-fields";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import type { AppRouter } from "@/server/api/root";

type SetSettingInput = inferRouterInputs<AppRouter>["settings"]["set"];

const INPUT_MODE: Record<Exclude<SettingField["kind"], "toggle" | "choice">, "numeric" | "decimal" | "text"> = {
  whole: "numeric",
  credits: "numeric",
  minor: "numeric",
  percent: "decimal",
  currency: "text",
};

function Checkbox({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        className="mt-0.5 size-4 rounded border-line-strong accent-accent-600"
      />
      <label htmlFor={id} className="text-sm">
        <span className="font-medium">{label}</span>
        {hint ? <span className="block text-muted">{hint}</span> : null}
      </label>
    </div>
  );
}

function SettingInput({
  field,
  state,
  error,
  onChange,
}: {
  field: SettingField;
  state: FormState;
  error: string | undefined;
  onChange: (key: string, value: string | boolean) => void;
}) {
  if (field.kind === "toggle") {
    return <Checkbox label={field.label} hint={field.hint} checked={state[field.path] === true} onChange={(checked) => onChange(field.path, checked)} />;
  }
  if (field.kind === "choice") {
    const chosen = state[field.path];
    return (
      <Field label={field.label} name={field.path} error={error} hint={field.hint}>
        {(control) => (
          <Select {...control} value={typeof chosen === "string" ? chosen : ""} onChange={(event) => onChange(field.path, event.target.value)}>
            {field.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
    );
  }
  const optional = field.kind === "credits" ? field.optional : undefined;
  const switchedOn = optional ? state[toggleKey(field.path)] === true : true;
  const text = state[field.path];
  return (
    <div className="space-y-3">
      {optional ? <Checkbox label={optional.toggleLabel} checked={switchedOn} onChange={(checked) => onChange(toggleKey(field.path), checked)} /> : null}
      {switchedOn ? (
        <Field label={field.label} name={field.path} error={error} hint={field.hint}>
          {(control) => (
            <Input
              {...control}
              inputMode={INPUT_MODE[field.kind]}
              autoComplete="off"
              value={typeof text === "string" ? text : ""}
              onChange={(event) => onChange(field.path, event.target.value)}
            />
          )}
        </Field>
      ) : null}
      {optional?.warning && switchedOn ? (
        <div role="alert" className="rounded-control border border-amber-300 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
          <p className="font-semibold">{optional.warning.title}</p>
          <p className="mt-1">{optional.warning.text}</p>
        </div>
      ) : null}
    </div>
  );
}

function SectionForm({ section, value }: { section: SettingSection; value: unknown }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation(trpc.settings.set.mutationOptions());
  const form = useZodForm({ schema: settingFormSchema(section), initial: formStateFrom(section, value), aliases: settingFieldAliases(section) });
  const headingId = useId();

  const submit = form.onSubmit(async (parsed) => {
    // The form's sections mirror the server's settings one for one (SECTION_KEYS checks it at compile time).
    const input = { key: section.key, value: parsed } as SetSettingInput;
    const saved = await save.mutateAsync(input);
    form.reset(formStateFrom(section, saved));
    queryClient.setQueryData(trpc.settings.get.queryKey(), (current) => (current ? { ...current, [section.key]: saved } : current));
    toast.success(`${section.title} saved`, "The new values apply from now on.");
  });

  return (
    <Card aria-labelledby={headingId}>
      <CardHeader id={headingId} title={section.title} description={section.description} />
      <CardBody>
        <form onSubmit={submit} noValidate className="space-y-5">
          {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {section.fields.map((field) => (
              <div key={field.path} className={field.kind === "toggle" || (field.kind === "credits" && field.optional) ? "sm:col-span-2 lg:col-span-3" : undefined}>
                <SettingInput field={field} state={form.values} error={form.errors[field.path]} onChange={form.set} />
              </div>
            ))}
          </div>
          <Button type="submit" loading={form.pending}>
            Save {section.title.toLowerCase()}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

/** Every admin setting, one form per setting, each saved (and audited) on its own. */
export function SettingsForms() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions());

  if (settings.isError) return <QueryError what="the settings" onRetry={() => void settings.refetch()} retrying={settings.isFetching} />;
  if (!settings.data) {
    return (
      <div className="space-y-6" role="status">
        <span className="sr-only">Loading the settings…</span>
        <Skeleton className="h-48 w-full" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  const data = settings.data;
  return (
    <div className="space-y-6">
      {SETTING_SECTIONS.map((section) => (
        <SectionForm key={section.key} section={section} value={data[section.key]} />
      ))}
    </div>
  );
}
