import "server-only";
import { createTRPCRouter, memberProcedure, performerProcedure, publicProcedure } from "@/server/api/trpc";
import {
  getRoom,
  getRoomSettings,
  listRestrictions,
  moderationSchema,
  muteMember,
  readmitMember,
  recentMessages,
  removeMember,
  roomByUsernameSchema,
  roomSchema,
  sendMessageSchema,
  sendRoomMessage,
  setOnlineSchema,
  setRoomOnline,
  unmuteMember,
  updateRoomSettings,
} from "@/server/services/rooms";
import { updateRoomSettingsSchema } from "@/server/domain/room-settings";

/** Moderation procedures are open to any signed-in user; the service lets only the room's performer and admins act. */
export const roomsRouter = createTRPCRouter({
  get: publicProcedure.input(roomByUsernameSchema).query(({ ctx, input }) => getRoom(ctx.user, input)),

  setOnline: performerProcedure.input(setOnlineSchema).mutation(({ ctx, input }) => setRoomOnline(ctx.user, input)),

  settings: performerProcedure.query(({ ctx }) => getRoomSettings(ctx.user)),

  updateSettings: performerProcedure.input(updateRoomSettingsSchema).mutation(({ ctx, input }) => updateRoomSettings(ctx.user, input)),

  messages: memberProcedure.input(roomSchema).query(({ ctx, input }) => recentMessages(ctx.user, input)),

  sendMessage: memberProcedure.input(sendMessageSchema).mutation(({ ctx, input }) => sendRoomMessage(ctx.user, input)),

  mute: memberProcedure.input(moderationSchema).mutation(({ ctx, input }) => muteMember(ctx.user, input)),

  unmute: memberProcedure.input(moderationSchema).mutation(({ ctx, input }) => unmuteMember(ctx.user, input)),

  remove: memberProcedure.input(moderationSchema).mutation(({ ctx, input }) => removeMember(ctx.user, input)),

  readmit: memberProcedure.input(moderationSchema).mutation(({ ctx, input }) => readmitMember(ctx.user, input)),

  restrictions: memberProcedure.input(roomSchema).query(({ ctx, input }) => listRestrictions(ctx.user, input)),
});
