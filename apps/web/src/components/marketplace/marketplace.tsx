'use client';

import type { Category } from '@stash/db';
import { keepPreviousData } from '@tanstack/react-query';
import { useDeferredValue, useEffect, useState } from 'react';
import { LoadMore } from '~/components/ui/load-more';
import { type MarketplaceParams, marketplaceUrl, searchInputOf } from '~/lib/marketplace-params';
import { api } from '~/trpc/react';
import { AgentGrid } from './agent-grid';
import { SearchControls } from './search-controls';

interface Props {
  initial: MarketplaceParams;
  categories: readonly Category[];
}

export function Marketplace({ initial, categories }: Props) {
  const [params, setParams] = useState(initial);
  // Typing stays responsive; the query follows the deferred value.
  const deferred = useDeferredValue(params);
  const input = searchInputOf(deferred);

  const search = api.marketplace.search.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

  // Keep the URL shareable without a server round trip (Next syncs useSearchParams with it).
  useEffect(() => {
    const url = marketplaceUrl(deferred);
    if (url !== `${window.location.pathname}${window.location.search}`) {
      window.history.replaceState(null, '', url);
    }
  }, [deferred]);

  const items = search.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section>
      <SearchControls value={params} categories={categories} onChange={setParams} />
      {search.isError && (
        <p className="error" role="alert">
          {search.error.message}
        </p>
      )}
      <div className={search.isPlaceholderData ? 'results loading' : 'results'} aria-busy={search.isFetching}>
        {search.isPending ? <p className="muted">Loading agents…</p> : <AgentGrid agents={items} />}
      </div>
      <LoadMore
        hasMore={search.hasNextPage}
        loading={search.isFetchingNextPage}
        onLoad={() => void search.fetchNextPage()}
      />
    </section>
  );
}
