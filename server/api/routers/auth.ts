import { createTRPCRouter, memberProcedure, publicProcedure } from "@/server/api/trpc";
import { limitSignUps } from "@/server/auth/sign-up-limit";
import { signUpSchema } from "@/server/domain/user-rules";
import { createMember, getAccount } from "@/server/services/users";

/** Sign-in and sign-out are next-auth's (/api/auth); this router covers what next-auth doesn't. */
export const authRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpSchema).mutation(async ({ ctx, input }) => {
    await limitSignUps(ctx.ip);
    const user = await createMember(ctx.user, input);
    return { id: user.id, username: user.username, appliedAsPerformer: input.performerApplication !== undefined };
  }),

  me: memberProcedure.query(({ ctx }) => getAccount(ctx.user)),
});
