'use client';

import { keepPreviousData } from '@tanstack/react-query';
import { LoadMore } from '~/components/ui/load-more';
import { CardGridSkeleton, Loading } from '~/components/ui/skeleton';
import { type MarketplaceParams, searchInputOf } from '~/lib/marketplace-params';
import { api } from '~/trpc/react';
import { AgentGrid } from './agent-grid';
import { ResultSummary } from './result-summary';
import { SearchControls } from './search-controls';
import { useMarketplaceParams } from './use-marketplace-params';

interface Props {
  initial: MarketplaceParams;
  /** Set when the URL's search text was longer than the API accepts and was shortened. */
  shortenedFrom?: number | undefined;
}

export function Marketplace({ initial, shortenedFrom }: Props) {
  const { params, text, setText, commit, clear } = useMarketplaceParams(initial);
  const search = api.marketplace.search.useInfiniteQuery(searchInputOf(params), {
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const counts = api.marketplace.categories.useQuery();
  const categoryTotal = params.category
    ? counts.data?.find((c) => c.category === params.category)?.count
    : counts.data?.reduce((sum, c) => sum + c.count, 0);

  const items = search.data?.pages.flatMap((page) => page.items) ?? [];
  const firstPage = search.data?.pages[0];
  const filtered = Boolean(params.query.trim() || params.category);
  return (
    <section>
      <SearchControls value={params} text={text} counts={counts.data} onText={setText} onChange={commit} />
      {shortenedFrom !== undefined && params.query === initial.query && (
        <p className="note" role="status">
          Your search was {shortenedFrom} characters long; only the first {initial.query.length} are used.
        </p>
      )}
      {search.isError && (
        <p className="error" role="alert">
          {search.error.message}
        </p>
      )}
      {search.isPending ? (
        <Loading label="Loading agents…">
          <CardGridSkeleton />
        </Loading>
      ) : (
        <div
          className={search.isPlaceholderData ? 'results loading' : 'results'}
          aria-busy={search.isFetching}
        >
          <ResultSummary
            params={params}
            loaded={items.length}
            hasMore={search.hasNextPage}
            categoryTotal={categoryTotal}
            searchTotal={firstPage?.total}
            searchTotalIsEstimate={firstPage?.totalIsEstimate}
            correctedQuery={firstPage?.correctedQuery}
          />
          <AgentGrid agents={items} onClear={filtered ? clear : undefined} />
        </div>
      )}
      <LoadMore
        hasMore={search.hasNextPage}
        loading={search.isFetchingNextPage}
        onLoad={() => void search.fetchNextPage()}
      />
    </section>
  );
}
