"use client";

import { useState } from "react";

/**
 * Which create-or-edit dialog is open: none, a new record (null), or an existing one. `opening` changes on every
 * open, to key the dialog so its form starts afresh.
 */
export function useEditing<T>() {
  const [editing, setEditing] = useState<{ record: T | null; opening: number } | null>(null);
  return {
    editing,
    open: (record: T | null) => setEditing((current) => ({ record, opening: (current?.opening ?? 0) + 1 })),
    close: () => setEditing(null),
  };
}
