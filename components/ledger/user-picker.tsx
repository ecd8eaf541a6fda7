"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_DELAY_MS = 250;

interface PickedUser {
  id: string;
  displayName: string;
  email: string;
}

function useDebounced(value: string): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [value]);
  return debounced;
}

/** Names the user a filter is set to: looked up by id, since a link may carry only the id. */
function PickedUserChip({ userId, label, onClear }: { userId: string; label: string; onClear: () => void }) {
  const trpc = useTRPC();
  const lookup = useQuery(trpc.ledger.users.queryOptions({ search: userId, pageSize: 5 }));
  const user = lookup.data?.users.find((candidate) => candidate.id === userId);
  return (
    <div className="flex h-10 items-center justify-between gap-2 rounded-control border border-line-strong bg-subtle/60 pr-1 pl-3 text-sm">
      <span className="min-w-0 truncate">
        {user ? (
          <>
            <span className="font-medium">{user.displayName}</span> <span className="text-muted">{user.email}</span>
          </>
        ) : (
          <span className="font-mono text-xs">{userId}</span>
        )}
      </span>
      <Button size="sm" variant="ghost" onClick={onClear} aria-label={`Clear the ${label.toLowerCase()} filter`}>
        ✕
      </Button>
    </div>
  );
}

/**
 * A user filter for a GET form: search by name, email or username and pick from the matches, or paste an id.
 * The chosen id travels in a hidden input called `name`.
 */
export function UserPicker({ name, defaultUserId, label = "User" }: { name: string; defaultUserId: string | undefined; label?: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [pickedId, setPickedId] = useState(defaultUserId ?? "");
  const [text, setText] = useState("");
  const search = useDebounced(text.trim());
  const matches = useQuery(
    trpc.ledger.users.queryOptions({ search, pageSize: 6 }, { enabled: search.length >= 2 && !pickedId, placeholderData: keepPreviousData }),
  );
  const typedId = UUID.test(text.trim()) ? text.trim() : "";

  function pick(user: PickedUser) {
    setPickedId(user.id);
    setText("");
  }

  return (
    <div className="relative">
      <label htmlFor={`${id}-input`} className="mb-1.5 block text-sm font-medium">
        {label}
      </label>
      <input type="hidden" name={name} value={pickedId || typedId} />
      {pickedId ? (
        <PickedUserChip userId={pickedId} label={label} onClear={() => setPickedId("")} />
      ) : (
        <>
          <Input
            id={`${id}-input`}
            type="search"
            autoComplete="off"
            placeholder="Name, email or user id"
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-describedby={`${id}-matches`}
          />
          <div id={`${id}-matches`} aria-live="polite">
            {search.length >= 2 && matches.data && !typedId ? (
              matches.data.users.length === 0 ? (
                <p className="mt-1.5 text-sm text-muted">No users match “{search}”.</p>
              ) : (
                <ul
                  aria-label="Matching users"
                  className="absolute inset-x-0 z-20 mt-1 overflow-hidden rounded-control border border-line bg-surface shadow-pop"
                >
                  {matches.data.users.map((user) => (
                    <li key={user.id}>
                      <button
                        type="button"
                        onClick={() => pick(user)}
                        className="block w-full px-3 py-2 text-left text-sm hover:bg-subtle focus-visible:bg-subtle"
                      >
                        <span className="font-medium">{user.displayName}</span>{" "}
                        <span className="text-muted">
                          @{user.username} · {user.email}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              )
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}
