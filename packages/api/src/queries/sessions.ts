/** Session revocation state: one counter per user (users.session_version). */
import type { Prisma, PrismaClient } from '@stash/db';

/** The version new sessions are sealed with and old ones are compared against; null: no such user. */
export async function sessionVersionOf(prisma: PrismaClient, userId: number): Promise<number | null> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user?.sessionVersion ?? null;
}

/** Revokes every session of the user issued so far. */
export async function bumpSessionVersion(
  prisma: PrismaClient | Prisma.TransactionClient,
  userId: number,
): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
