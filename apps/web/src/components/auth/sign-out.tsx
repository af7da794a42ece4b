'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { api } from '~/trpc/react';

/**
 * /sign-out asks before signing out: visiting a URL (a link or an image on another site) must
 * not end a session, so only this button's same-origin POST does (the header's button too).
 */
export function SignOut() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const signOut = api.auth.signOut.useMutation({
    onSuccess: () => {
      queryClient.clear();
      router.replace('/');
      router.refresh();
    },
  });
  return (
    <>
      <p className="muted">Signing out ends your session on every device.</p>
      <button type="button" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
        Sign out
      </button>
      {signOut.isError ? <p className="muted">{signOut.error.message}</p> : null}
    </>
  );
}
