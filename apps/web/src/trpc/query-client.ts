import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import SuperJSON from 'superjson';

/** One factory for server (per request) and browser (one per tab), superjson on both sides. */
export function createQueryClient(): QueryClient {
  const onServer = typeof window === 'undefined';
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Prefetched data counts as fresh on hydration: no refetch flash right after load.
        staleTime: 30_000,
        // Server prefetches never retry (a failure is rendered, or refetched by the browser).
        retry: (failureCount, error) => !onServer && failureCount < 2 && !isClientError(error),
      },
      dehydrate: {
        serializeData: SuperJSON.serialize,
        // Successful queries only. Every page awaits its prefetches, so a pending query here is
        // one the page is still loading while the layout renders; streaming it would stream its
        // failure too (a 404 agent logged as "Error: redacted" on the server).
        shouldDehydrateQuery: defaultShouldDehydrateQuery,
      },
      hydrate: {
        deserializeData: SuperJSON.deserialize,
      },
    },
  });
}

/** 4xx from tRPC (bad input, unauthorized, not found): retrying will not help. */
function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data = (error as { data?: { httpStatus?: number } | null }).data;
  const status = data?.httpStatus ?? 500;
  return status >= 400 && status < 500;
}
