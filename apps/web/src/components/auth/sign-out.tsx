'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { api } from '~/trpc/react';

/** Visiting /sign-out signs out (the header's button does the same without a page). */
export function SignOut() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const started = useRef(false);
  const signOut = api.auth.signOut.useMutation({
    onSuccess: () => {
      queryClient.clear();
      router.replace('/');
      router.refresh();
    },
  });
  const { mutate } = signOut;
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate();
  }, [mutate]);
  return <p className="muted">{signOut.isError ? signOut.error.message : 'Signing out…'}</p>;
}
