"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import type { PrivateChatLine } from "@/components/payment-requests/request-lines";
import { mergeChatMessages } from "@/components/rooms/room-events";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormAlert } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { QueryError } from "@/components/wallet/query-error";
import { CHAT_MESSAGE_MAX_LENGTH, RECENT_MESSAGES_LIMIT } from "@/server/domain/rooms";

const timeFormat = new Intl.DateTimeFormat("en", { timeStyle: "short" });

interface RoomChatProps {
  performerId: string;
  /** Muted members read the chat but can't write in it. */
  muted: boolean;
  /** The room's status badge (live, connecting...). */
  status: ReactNode;
  /** Called when sending was refused because the room's view of the viewer changed (muted, removed). */
  onRefused: () => void;
  /** Lines only the viewer sees (their payment requests), placed among the messages by time. */
  privateLines?: readonly PrivateChatLine[];
}

/** The room's chat: the latest messages, new ones as they arrive on the room channel, and a line to write one. */
export function RoomChat({ performerId, muted, status, onRefused, privateLines = [] }: RoomChatProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const messages = useQuery(trpc.rooms.messages.queryOptions({ performerId }));
  const send = useMutation(trpc.rooms.sendMessage.mutationOptions());
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.data, privateLines.length]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (body.trim() === "") return setError("Write a message first.");
    setError(null);
    send.mutate(
      { performerId, body },
      {
        onSuccess: (message) => {
          setBody("");
          queryClient.setQueryData(trpc.rooms.messages.queryKey({ performerId }), (current) =>
            mergeChatMessages(current ?? [], [message], RECENT_MESSAGES_LIMIT),
          );
        },
        onError: (failure) => {
          const { message, fieldErrors } = describeTrpcError(failure);
          setError(fieldErrors.body?.[0] ?? message);
          if (failure.data?.code === "FORBIDDEN") onRefused();
        },
      },
    );
  }

  function list() {
    if (messages.isError) return <QueryError what="the chat" onRetry={() => void messages.refetch()} retrying={messages.isFetching} />;
    if (!messages.data) {
      return (
        <div className="space-y-3" role="status">
          <span className="sr-only">Loading the chat…</span>
          <Skeleton className="h-5 w-2/3" />
          <Skeleton className="h-5 w-1/2" />
        </div>
      );
    }
    return (
      <ol ref={listRef} aria-label="Chat messages" aria-live="polite" className="max-h-96 min-h-40 space-y-3 overflow-y-auto pr-1">
        {messages.data.length === 0 && privateLines.length === 0 ? <li className="text-sm text-muted">No messages yet. Say hello!</li> : null}
        {[
          ...messages.data.map((message) => ({
            key: message.id.toString(),
            at: message.at,
            node: (
              <>
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-semibold">{message.senderName}</span>
                  {message.fromPerformer ? <Badge tone="accent">Performer</Badge> : null}
                  <span className="text-xs text-muted">{timeFormat.format(message.at)}</span>
                </p>
                <p className="break-words whitespace-pre-line text-fg">{message.body}</p>
              </>
            ),
          })),
          ...privateLines,
        ]
          .sort((a, b) => a.at.getTime() - b.at.getTime())
          .map((line) => (
            <li key={line.key} className="text-sm">
              {line.node}
            </li>
          ))}
      </ol>
    );
  }

  const length = body.trim().length;
  return (
    <Card aria-labelledby="chat-heading">
      <CardHeader id="chat-heading" title="Chat" action={status} />
      <CardBody className="space-y-4">
        {list()}
        {muted ? (
          <FormAlert tone="info">You&apos;re muted in this room: you can still watch and tip, but not write in the chat.</FormAlert>
        ) : (
          <form onSubmit={submit} noValidate className="flex items-start gap-2">
            <Field
              label="Chat message"
              name="body"
              error={error}
              hint={length > CHAT_MESSAGE_MAX_LENGTH - 50 ? `${length}/${CHAT_MESSAGE_MAX_LENGTH}` : undefined}
              className="min-w-0 flex-1"
            >
              {(control) => (
                <Input {...control} autoComplete="off" maxLength={CHAT_MESSAGE_MAX_LENGTH + 100} value={body} onChange={(event) => setBody(event.target.value)} />
              )}
            </Field>
            <Button type="submit" loading={send.isPending} className="mt-7">
              Send
            </Button>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
