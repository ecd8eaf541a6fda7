import { createTRPCRouter, memberProcedure, publicProcedure } from "@/server/api/trpc";
import { signUpSchema } from "@/server/domain/user-rules";
import { createMember, getAccount } from "@/server/services/users";

/** Sign-in and sign-out are next-auth's (/api/auth); this router covers what next-auth doesn't. */
export const authRouter = createTRPCRouter({
  signUp: publicProcedure.input(signUpSchema).mutation(async ({ ctx, input }) => {
    const user = await createMember(ctx.user, input);
    return { id: user.id, username: user.username, appliedAsPerformer: input.performerApplication !== undefined };
  }),

  me: memberProcedure.query(({ ctx }) => getAccount(ctx.user)),
});
