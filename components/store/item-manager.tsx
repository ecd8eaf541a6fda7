"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { ItemFormDialog, type ManagedItem, type StoreScope } from "@/components/store/item-form-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableCell, TableHead, TableHeaderCell, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { QueryError } from "@/components/wallet/query-error";
import { formatCredits } from "@/server/domain/money";
import { STORE_FILE_TYPES_HINT } from "@/server/domain/store-files";

/** Which dialog is open: none, a new item, or an existing one. */
type Editing = { item: ManagedItem | null; opening: number } | null;

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

/** A performer's own items, or the site's for admins: create, edit, upload files, see what sold. */
export function ItemManager({ scope }: { scope: StoreScope }) {
  const trpc = useTRPC();
  const items = useQuery(scope === "site" ? trpc.store.siteItems.queryOptions() : trpc.store.myItems.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const open = (item: ManagedItem | null) => setEditing((current) => ({ item, opening: (current?.opening ?? 0) + 1 }));

  let body;
  if (items.isError) body = <QueryError what="the items" onRetry={() => void items.refetch()} retrying={items.isFetching} />;
  else if (!items.data) body = <Skeleton className="h-48 w-full" />;
  else if (items.data.length === 0) {
    body = (
      <EmptyState
        title="No items yet"
        description="Add merch to ship or a file to download. Members pay with credits, partly by card if they like."
        action={<Button onClick={() => open(null)}>New item</Button>}
      />
    );
  } else {
    body = (
      <Card>
        <Table>
          <caption className="sr-only">Store items, on sale first, newest first</caption>
          <TableHead>
            <tr>
              <TableHeaderCell>Item</TableHeaderCell>
              <TableHeaderCell className="text-right">Price</TableHeaderCell>
              <TableHeaderCell className="text-right">Stock</TableHeaderCell>
              <TableHeaderCell className="text-right">Sold</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>File</TableHeaderCell>
              <TableHeaderCell className="text-right">
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </tr>
          </TableHead>
          <tbody>
            {items.data.map((item) => (
              <TableRow key={item.id}>
                <TableCell>
                  <Link href={`/store/${item.id}`} className="font-medium hover:underline">
                    {item.title}
                  </Link>
                  <span className="block text-xs text-muted">{item.kind === "DIGITAL" ? "Digital" : "Physical"}</span>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCredits(item.price)}</TableCell>
                <TableCell className="text-right tabular-nums">{item.stock === null ? "Unlimited" : formatCredits(BigInt(item.stock))}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCredits(BigInt(item.sold))}</TableCell>
                <TableCell>
                  <SaleBadge item={item} />
                </TableCell>
                <TableCell>{item.kind === "DIGITAL" ? <FileUpload item={item} /> : <span className="text-muted">—</span>}</TableCell>
                <TableCell className="text-right">
                  <Button size="sm" variant="secondary" onClick={() => open(item)} aria-label={`Edit ${item.title}`}>
                    Edit
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </tbody>
        </Table>
      </Card>
    );
  }

  return (
    <div className="space-y-4">
      {items.data && items.data.length > 0 ? (
        <div className="flex justify-end">
          <Button onClick={() => open(null)}>New item</Button>
        </div>
      ) : null}
      {body}
      {editing ? <ItemFormDialog key={editing.opening} scope={scope} item={editing.item} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
