import "server-only";
import { createTRPCRouter, memberProcedure, publicProcedure } from "@/server/api/trpc";
import { limitSignUps } from "@/server/auth/sign-up-limit";
import { signUpSchema } from "@/server/domain/user-rules";
import { DomainError } from "@/server/domain/errors";
import { confirmEmail, confirmEmailSchema, getAccount, resendConfirmation, resendConfirmationSchema, signUpVisitor } from "@/server/services/accounts";

/** Sign-in and sign-out are next-auth's (/api/auth); this router covers what next-auth doesn't. */
export const authRouter = createTRPCRouter({
  /** Answers the same whether the email was free or already had an account; see signUpVisitor. */
  signUp: publicProcedure.input(signUpSchema).mutation(async ({ ctx, input }) => {
    if (ctx.user) throw new DomainError("CONFLICT", "You're already signed in. Sign out to create another account.");
    await limitSignUps(ctx.ip);
    await signUpVisitor(input);
    return { submitted: true as const };
  }),

  /** Follows a confirmation link; says plainly whether it worked, and why not. */
  confirmEmail: publicProcedure.input(confirmEmailSchema).mutation(async ({ input }) => ({ outcome: await confirmEmail(input.token) })),

  /** Answers the same for any email; see resendConfirmation. */
  resendConfirmation: publicProcedure.input(resendConfirmationSchema).mutation(async ({ ctx, input }) => {
    await resendConfirmation(input.email, ctx.ip);
    return { submitted: true as const };
  }),

  me: memberProcedure.query(({ ctx }) => getAccount(ctx.user)),
});
