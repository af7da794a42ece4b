'use client';

import { usePathname, useSearchParams } from 'next/navigation';

/** A link to sign-in that comes back to the page the user is on (the sign-in page checks `next`). */
export function useSignInHref(): string {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  if (pathname === '/sign-in' || pathname === '/sign-out') return '/sign-in';
  const here = search ? `${pathname}?${search}` : pathname;
  return here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}
