/**
 * Server components call procedures directly (no HTTP) with the caller of the request's session,
 * and hand what they fetched to client components through <HydrateClient>.
 */
import 'server-only';
import type { AppRouter } from '@stash/api';
import { createCaller, createContextFromRequest } from '@stash/api';
import { createHydrationHelpers } from '@trpc/react-query/rsc';
import { TRPCError } from '@trpc/server';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getRuntime } from '~/server/runtime';
import { createQueryClient } from './query-client';

/** One context per request: the session is read from the same cookie the HTTP API would see. */
const createContext = cache(async () => {
  // headers() first: it marks the render as dynamic before anything touches the runtime.
  const incoming = await headers();
  const { deps } = await getRuntime();
  const req = new Request('http://internal/rsc', {
    headers: { cookie: incoming.get('cookie') ?? '', 'x-trpc-source': 'rsc' },
  });
  return createContextFromRequest(deps, req, new Headers());
});

const getQueryClient = cache(createQueryClient);
const caller = createCaller(createContext);

export const { trpc, HydrateClient } = createHydrationHelpers<AppRouter>(caller, getQueryClient);

/** tRPC's query key for a procedure call (the shape `@trpc/react-query` uses on the client). */
function queryKeyOf(path: string, input: unknown) {
  return [path.split('.'), { input, type: 'query' }] as const;
}

/** What a prefetch stored, for pages that need it to decide what else to prefetch. */
export function prefetchedData<T>(path: string, input: unknown): T | undefined {
  return getQueryClient().getQueryData<T>([...queryKeyOf(path, input)]);
}

/**
 * The error code of a prefetched query, if it failed (prefetch itself never throws), so a page
 * can answer 404 for NOT_FOUND instead of rendering an empty shell.
 */
export function prefetchErrorCode(path: string, input: unknown): string | null {
  const state = getQueryClient().getQueryState([...queryKeyOf(path, input)]);
  const error: unknown = state?.error;
  if (error instanceof TRPCError) return error.code;
  return error ? 'INTERNAL_SERVER_ERROR' : null;
}
