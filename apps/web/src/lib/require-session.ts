import 'server-only';
import { redirect } from 'next/navigation';
import { trpc } from '~/trpc/server';

/** For pages that only make sense signed in: the session, or a redirect to sign-in and back. */
export async function requireSession(returnTo: string) {
  const me = await trpc.auth.me();
  if (!me) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return me;
}
