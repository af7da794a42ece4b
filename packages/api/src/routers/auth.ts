import { randomBytes } from 'node:crypto';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../auth/password';
import { SignInLimiter } from '../auth/rate-limit';
import { clearedSessionCookie, sealSession, sessionCookie } from '../auth/session';
import { caching } from '../caching/caching';
import { tags } from '../caching/tags';
import { bumpSessionVersion } from '../queries/sessions';
import { publicProcedure } from '../trpc';

// A real bcrypt hash (same cost) of a random secret, compared against for unknown emails.
let dummyHash: Promise<string> | undefined;
const unknownUserHash = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
};

const defaultLimiter = new SignInLimiter();

const signInInput = z.object({
  email: z.email('Enter a valid email address').max(200).toLowerCase(),
  password: z.string().min(1, 'Enter your password').max(200),
});

export const authRouter = {
  /** Sets the session cookie. Scripts: POST /api/trpc/auth.signIn, keep the Set-Cookie (README). */
  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    // Counted before any work, so a burst is refused without touching the database or bcrypt.
    // Without a limiter in the deps (tests, scripts): one per process, counting in memory.
    const attempt = await (ctx.signInLimiter ?? defaultLimiter).begin(input.email, ctx.clientAddress);
    const user = await ctx.prisma.user.findUnique({
      where: { email: input.email },
      select: { id: true, email: true, name: true, passwordHash: true, sessionVersion: true },
    });
    // Same error and the same bcrypt work whether the email or the password is wrong: neither the
    // message nor the response time tells whether an account exists.
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await unknownUserHash()));
    if (!user || !valid) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password.' });
    }
    await attempt.succeeded();
    const session = { userId: user.id, email: user.email, name: user.name };
    const sealed = await sealSession(session, user.sessionVersion, ctx.sessionSecret);
    ctx.resHeaders.append('set-cookie', sessionCookie(sealed, ctx.secureCookies ?? false));
    return { user: session };
  }),

  /**
   * Revokes every session of the user (this browser's and any other copy of a cookie), not just
   * this cookie: the version bump is seen by the next request on every instance.
   */
  signOut: caching.mutation({ invalidates: [tags.userSession] }).mutation(async ({ ctx, write }) => {
    if (ctx.session) {
      const { userId } = ctx.session;
      await write(async (tx, changed) => {
        await bumpSessionVersion(tx, userId);
        changed.invalidate(tags.userSession(userId));
      });
    }
    ctx.resHeaders.append('set-cookie', clearedSessionCookie(ctx.secureCookies ?? false));
    return { signedOut: true };
  }),

  /** Who the cookie says you are; no database or cache round trip. */
  me: publicProcedure.query(({ ctx }) => ctx.session),
} satisfies TRPCRouterRecord;
