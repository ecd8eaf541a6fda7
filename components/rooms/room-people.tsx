"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { describeTrpcError } from "@/components/auth/form-errors";
import { useTRPC } from "@/components/providers/trpc";
import type { RoomMember } from "@/components/rooms/room-events";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";

interface RoomPeopleProps {
  performerId: string;
  /** Present right now, in display order. */
  members: RoomMember[];
  viewerId: string;
  /** The room's performer or an admin: may mute, remove and readmit. */
  moderator: boolean;
}

/** Who is in the room, from its presence channel; the performer (and admins) moderate from here. */
export function RoomPeople({ performerId, members, viewerId, moderator }: RoomPeopleProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const restrictions = useQuery({ ...trpc.rooms.restrictions.queryOptions({ performerId }), enabled: moderator });
  const mute = useMutation(trpc.rooms.mute.mutationOptions());
  const unmute = useMutation(trpc.rooms.unmute.mutationOptions());
  const remove = useMutation(trpc.rooms.remove.mutationOptions());
  const readmit = useMutation(trpc.rooms.readmit.mutationOptions());
  const [removing, setRemoving] = useState<RoomMember | null>(null);

  const mutedIds = new Set(restrictions.data?.filter((row) => row.kind === "MUTED").map((row) => row.memberId));
  const removed = restrictions.data?.filter((row) => row.kind === "REMOVED") ?? [];

  const settle = (done: string, detail?: string) => ({
    onSuccess: () => {
      void queryClient.invalidateQueries(trpc.rooms.restrictions.pathFilter());
      toast.success(done, detail);
    },
    onError: (error: unknown) => toast.error("That didn't work", describeTrpcError(error).message),
  });

  function confirmRemoval() {
    if (!removing) return;
    remove.mutate(
      { performerId, memberId: removing.id },
      {
        ...settle(`${removing.name} was removed`, "They can't come back until you let them back in."),
        onSettled: () => setRemoving(null),
      },
    );
  }

  return (
    <Card aria-labelledby="people-heading">
      <CardHeader id="people-heading" title="In the room" action={<Badge>{members.length}</Badge>} />
      <CardBody className="space-y-5">
        {members.length === 0 ? (
          <p className="text-sm text-muted">Nobody is here yet.</p>
        ) : (
          <ul aria-label="People in the room" className="divide-y divide-line">
            {members.map((member) => {
              const moderatable = moderator && member.id !== performerId && member.id !== viewerId && member.role !== "ADMIN";
              const muted = mutedIds.has(member.id);
              return (
                <li key={member.id} className="flex flex-wrap items-center justify-between gap-2 py-2.5 text-sm">
                  <span className="flex min-w-0 items-center gap-2">
                    <span className="truncate font-medium">{member.name}</span>
                    {member.id === performerId ? <Badge tone="accent">Performer</Badge> : null}
                    {member.role === "ADMIN" ? <Badge tone="info">Admin</Badge> : null}
                    {member.id === viewerId ? <Badge>You</Badge> : null}
                    {muted ? <Badge tone="warning">Muted</Badge> : null}
                  </span>
                  {moderatable ? (
                    <span className="flex gap-1.5">
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`${muted ? "Unmute" : "Mute"} ${member.name}`}
                        onClick={() =>
                          muted
                            ? unmute.mutate({ performerId, memberId: member.id }, settle(`${member.name} can chat again`))
                            : mute.mutate({ performerId, memberId: member.id }, settle(`${member.name} is muted`, "They can watch but not write in the chat."))
                        }
                      >
                        {muted ? "Unmute" : "Mute"}
                      </Button>
                      <Button size="sm" variant="danger" aria-label={`Remove ${member.name}`} onClick={() => setRemoving(member)}>
                        Remove
                      </Button>
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {moderator && removed.length > 0 ? (
          <div className="space-y-2 border-t border-line pt-4">
            <h3 className="text-sm font-semibold">Removed</h3>
            <ul aria-label="Removed members" className="space-y-2">
              {removed.map((row) => (
                <li key={row.memberId} className="flex items-center justify-between gap-2 text-sm">
                  <span className="truncate">{row.displayName}</span>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Let ${row.displayName} back in`}
                    onClick={() => readmit.mutate({ performerId, memberId: row.memberId }, settle(`${row.displayName} may come back`))}
                  >
                    Let back in
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardBody>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={confirmRemoval}
        pending={remove.isPending}
        tone="danger"
        title={`Remove ${removing?.name ?? "this member"}?`}
        description="They leave the room now and can't come back, chat or join a show here until you let them back in."
        confirmLabel="Remove"
      />
    </Card>
  );
}
