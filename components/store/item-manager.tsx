"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useRef, useState } from "react";
import { type Column, DataTable } from "@/components/kit/data-table";
import { useEditing } from "@/components/kit/use-editing";
import { useTRPC } from "@/components/providers/trpc";
import { ItemFormDialog, type ManagedItem, type StoreScope } from "@/components/store/item-form-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { formatCredits } from "@/server/domain/money";
import { STORE_FILE_TYPES_HINT } from "@/server/domain/store-files";

function SaleBadge({ item }: { item: ManagedItem }) {
  if (!item.active) return <Badge>Hidden</Badge>;
  if (item.kind === "DIGITAL" && !item.fileName) return <Badge tone="warning">Needs its file</Badge>;
  if (item.stock === 0) return <Badge tone="danger">Sold out</Badge>;
  return <Badge tone="success">On sale</Badge>;
}

/** Uploads a digital item's file through the route handler, which checks its size and what its bytes are. */
function FileUpload({ item }: { item: ManagedItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);

  async function upload(file: File) {
    setUploading(true);
    const body = new FormData();
    body.set("file", file);
    try {
      const response = await fetch(`/api/store/items/${item.id}/file`, { method: "POST", body });
      const answer = (await response.json().catch(() => ({}))) as { error?: string };
      if (!response.ok) {
        toast.error("File not uploaded", answer.error ?? "Please try again.");
        return;
      }
      await queryClient.invalidateQueries(trpc.store.pathFilter());
      toast.success("File uploaded", `${file.name} is what buyers of ${item.title} download.`);
    } catch {
      toast.error("File not uploaded", "We couldn't reach the server. Check your connection and try again.");
    } finally {
      setUploading(false);
      if (input.current) input.current.value = "";
    }
  }

  return (
    <div className="flex flex-col items-start gap-1">
      <span className="text-sm">{item.fileName ?? <span className="text-muted">No file yet</span>}</span>
      <label htmlFor={inputId} className="sr-only">
        {`File for ${item.title}`}
      </label>
      <input
        ref={input}
        id={inputId}
        type="file"
        className="sr-only"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void upload(file);
        }}
      />
      <Button size="sm" variant="secondary" loading={uploading} loadingText="Uploading…" onClick={() => input.current?.click()} title={STORE_FILE_TYPES_HINT}>
        {item.fileName ? "Replace file" : "Upload file"}
      </Button>
    </div>
  );
}

function columns(onEdit: (item: ManagedItem) => void): Column<ManagedItem>[] {
  return [
    {
      key: "item",
      header: "Item",
      cell: (item) => (
        <>
          <Link href={`/store/${item.id}`} className="font-medium hover:underline">
            {item.title}
          </Link>
          <span className="block text-xs text-muted">{item.kind === "DIGITAL" ? "Digital" : "Physical"}</span>
        </>
      ),
      sortValue: (item) => item.title,
    },
    { key: "price", header: "Price", align: "right", className: "tabular-nums", cell: (item) => formatCredits(item.price), sortValue: (item) => item.price },
    {
      key: "stock",
      header: "Stock",
      align: "right",
      className: "tabular-nums",
      cell: (item) => (item.stock === null ? "Unlimited" : formatCredits(BigInt(item.stock))),
      sortValue: (item) => item.stock,
    },
    { key: "sold", header: "Sold", align: "right", className: "tabular-nums", cell: (item) => formatCredits(BigInt(item.sold)), sortValue: (item) => item.sold },
    { key: "status", header: "Status", cell: (item) => <SaleBadge item={item} /> },
    { key: "file", header: "File", cell: (item) => (item.kind === "DIGITAL" ? <FileUpload item={item} /> : <span className="text-muted">—</span>) },
    {
      key: "actions",
      header: "Actions",
      hiddenHeader: true,
      align: "right",
      cell: (item) => (
        <Button size="sm" variant="secondary" onClick={() => onEdit(item)} aria-label={`Edit ${item.title}`}>
          Edit
        </Button>
      ),
    },
  ];
}

/** A performer's own items, or the site's for admins: create, edit, upload files, see what sold. */
export function ItemManager({ scope }: { scope: StoreScope }) {
  const trpc = useTRPC();
  const items = useQuery(scope === "site" ? trpc.store.siteItems.queryOptions() : trpc.store.myItems.queryOptions());
  const { editing, open, close } = useEditing<ManagedItem>();

  return (
    <div className="space-y-4">
      <div className="flex justify-end">
        <Button onClick={() => open(null)}>New item</Button>
      </div>
      <DataTable
        rows={items.data}
        failed={items.isError ? { onRetry: () => void items.refetch(), retrying: items.isFetching } : null}
        columns={columns(open)}
        rowKey={(item) => item.id}
        caption="Store items, on sale first, newest first"
        what="items"
        empty={{ title: "No items yet", description: "Add merch to ship or a file to download. Members pay with credits, partly by card if they like." }}
        filterText={(item) => item.title}
      />
      {editing ? <ItemFormDialog key={editing.opening} scope={scope} item={editing.record} onClose={close} /> : null}
    </div>
  );
}
