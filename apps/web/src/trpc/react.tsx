'use client';

import { MAX_BATCH_SIZE } from '@stash/validators';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink, loggerLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';
import SuperJSON from 'superjson';
import { api } from './api';
import { createQueryClient } from './query-client';

export { api };

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // Server render: always a new client. Browser: one per tab, so suspense re-renders keep the cache.
  if (typeof window === 'undefined') return createQueryClient();
  browserQueryClient ??= createQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    api.createClient({
      links: [
        // Development only: a production console stays clean (failures are shown in the page).
        loggerLink({ enabled: () => process.env.NODE_ENV === 'development' }),
        httpBatchLink({
          transformer: SuperJSON,
          url: `${baseUrl()}/api/trpc`,
          // The server refuses larger batches.
          maxItems: MAX_BATCH_SIZE,
          headers: () => ({ 'x-trpc-source': 'nextjs-react' }),
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <api.Provider client={trpcClient} queryClient={queryClient}>
        {children}
      </api.Provider>
    </QueryClientProvider>
  );
}

function baseUrl(): string {
  if (typeof window !== 'undefined') return window.location.origin;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}
