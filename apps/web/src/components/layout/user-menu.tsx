'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useSignInHref } from '~/components/auth/use-sign-in-href';
import { api } from '~/trpc/react';

export function UserMenu() {
  const me = api.auth.me.useQuery();
  const queryClient = useQueryClient();
  const router = useRouter();
  const signInHref = useSignInHref();
  const signOut = api.auth.signOut.useMutation({
    onSuccess: () => {
      // Everything cached for the old session goes: user-scoped data must not outlive it.
      queryClient.clear();
      router.push('/');
      router.refresh();
    },
  });

  if (me.isPending) return <div className="user-menu" />;
  if (!me.data) {
    return (
      <div className="user-menu">
        <Link href={signInHref} className="button small">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <div className="user-menu">
      <span className="user-name" data-testid="signed-in-user">
        {me.data.name}
      </span>
      <button
        type="button"
        className="button small secondary"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate()}
      >
        Sign out
      </button>
    </div>
  );
}
