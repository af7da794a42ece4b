/**
 * Server components call procedures directly (no HTTP) with the caller of the request's session,
 * and hand what they fetched to client components through <HydrateClient>.
 */
import 'server-only';
import type { AppRouter } from '@stash/api';
import { createCaller, createContextFromRequest } from '@stash/api';
import { getQueryKey } from '@trpc/react-query';
import { createHydrationHelpers } from '@trpc/react-query/rsc';
import type { InferQueryLikeData, InferQueryLikeInput } from '@trpc/react-query/shared';
import { TRPCError } from '@trpc/server';
import { headers } from 'next/headers';
import { cache, type ReactNode } from 'react';
import { getRuntime } from '~/server/runtime';
import { api } from './api';
import { createQueryClient } from './query-client';
import { TagSeed } from './react';

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

const helpers = createHydrationHelpers<AppRouter>(caller, getQueryClient);
export const { trpc } = helpers;

/**
 * Hands the prefetched queries to the client, with the tags the server's cached calls reported
 * while rendering (by procedure), so a write can invalidate a hydrated query before it ever
 * refetched through the browser's link.
 */
export async function HydrateClient({ children }: { children: ReactNode }) {
  const { cacheReport } = await createContext();
  const byPath: Record<string, string[]> = {};
  for (const call of cacheReport.calls)
    byPath[call.path] = [...new Set([...(byPath[call.path] ?? []), ...call.tags])];
  return (
    <helpers.HydrateClient>
      {children}
      <TagSeed byPath={byPath} />
    </helpers.HydrateClient>
  );
}

/** A query procedure of the typed proxy, e.g. `api.marketplace.agent`. */
type QueryProcedure = Parameters<typeof getQueryKey>[0];

/** The key `@trpc/react-query` itself gives a query, so a renamed procedure is a type error here. */
function queryKeyOf<Q extends QueryProcedure>(query: Q, input: InferQueryLikeInput<Q>) {
  // getQueryKey's rest parameters are a conditional type that TypeScript cannot resolve for a
  // generic Q; the cast restates what InferQueryLikeInput already guarantees.
  const key = getQueryKey as (
    q: QueryProcedure,
    input: unknown,
    type: 'query',
  ) => ReturnType<typeof getQueryKey>;
  return key(query, input, 'query');
}

/** What a prefetch stored, for pages that need it to decide what else to prefetch. */
export function prefetchedData<Q extends QueryProcedure>(
  query: Q,
  input: InferQueryLikeInput<Q>,
): InferQueryLikeData<Q> | undefined {
  return getQueryClient().getQueryData<InferQueryLikeData<Q>>(queryKeyOf(query, input));
}

/**
 * The error code of a prefetched query, if it failed (prefetch itself never throws), so a page
 * can answer 404 for NOT_FOUND instead of rendering an empty shell.
 */
export function prefetchErrorCode<Q extends QueryProcedure>(
  query: Q,
  input: InferQueryLikeInput<Q>,
): string | null {
  const error: unknown = getQueryClient().getQueryState(queryKeyOf(query, input))?.error;
  if (error instanceof TRPCError) return error.code;
  return error ? 'INTERNAL_SERVER_ERROR' : null;
}

export { api };
