/**
 * Next's proxy (the request hook Next 16 runs before routing). One job: a tRPC procedure path
 * whose %-escapes do not decode. Next's router would fail on the `[trpc]` segment before any
 * route code runs and answer a bare 500; this answers the 400 in tRPC's error shape that
 * @stash/api gives the same URL outside Next.
 */
import { refuseMalformedPath } from '@stash/api/malformed-path';
import { NextResponse } from 'next/server';

export function proxy(request: Request): Response {
  return refuseMalformedPath(request.url) ?? NextResponse.next();
}

export const config = {
  // Only tRPC paths with a % in them: every other request, a stored hit above all, skips the
  // proxy entirely (Next tests the matcher against the path as sent, escapes and all).
  matcher: ['/api/trpc/:path(.*%.*)'],
};
