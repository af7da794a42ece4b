'use client';

import type { AppRouter } from '@stash/api';
import { createTagSync, type TagSync, tagLinks } from '@stash/tag-sync';
import { MAX_BATCH_SIZE } from '@stash/validators';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink, loggerLink } from '@trpc/client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import SuperJSON from 'superjson';
import { api } from './api';
import { createQueryClient } from './query-client';

export { api };

let browser: { queryClient: QueryClient; tagSync: TagSync } | undefined;

/**
 * Server render: a new query client per render, with no tag sync (nothing to invalidate there).
 * Browser: one of each per tab, so suspense re-renders keep the cache and its tags.
 */
function getClients(): { queryClient: QueryClient; tagSync: TagSync | null } {
  if (typeof window === 'undefined') return { queryClient: createQueryClient(), tagSync: null };
  if (!browser) {
    const queryClient = createQueryClient();
    browser = { queryClient, tagSync: createTagSync(queryClient) };
  }
  return browser;
}

const TagSyncContext = createContext<TagSync | null>(null);

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const { queryClient, tagSync } = getClients();
  const [trpcClient] = useState(() => {
    const tags = tagSync ? tagLinks<AppRouter>(tagSync) : null;
    return api.createClient({
      links: [
        // Development only: a production console stays clean (failures are shown in the page).
        loggerLink({ enabled: () => process.env.NODE_ENV === 'development' }),
        // Reads record the tags of their answers; mutations invalidate the queries that depend
        // on what they changed, here and in every other tab (packages/tag-sync).
        ...(tags ? [tags.link] : []),
        httpBatchLink({
          transformer: SuperJSON,
          url: `${baseUrl()}/api/trpc`,
          // The server refuses larger batches.
          maxItems: MAX_BATCH_SIZE,
          headers: ({ opList }) => {
            // The server keys tags by batch index: the tag link learns each call's index here.
            tags?.recordBatch(opList);
            return { 'x-trpc-source': 'nextjs-react' };
          },
        }),
      ],
    });
  });

  return (
    <QueryClientProvider client={queryClient}>
      <api.Provider client={trpcClient} queryClient={queryClient}>
        <TagSyncContext.Provider value={tagSync}>{children}</TagSyncContext.Provider>
      </api.Provider>
    </QueryClientProvider>
  );
}

/**
 * The tags the server used for what it rendered, per procedure, for the queries this page
 * hydrated (their answers never passed through the link). Rendered by HydrateClient (server.tsx)
 * after the HydrationBoundary, so the queries exist when its effect runs.
 */
export function TagSeed({ byPath }: { byPath: Record<string, string[]> }) {
  const tagSync = useContext(TagSyncContext);
  useEffect(() => {
    tagSync?.seed(byPath);
  }, [tagSync, byPath]);
  return null;
}

function baseUrl(): string {
  if (typeof window !== 'undefined') return window.location.origin;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}
