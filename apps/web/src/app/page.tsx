import { Marketplace } from '~/components/marketplace/marketplace';
import { MAX_QUERY_LENGTH, parseMarketplaceParams, searchInputOf } from '~/lib/marketplace-params';
import { HydrateClient, trpc } from '~/trpc/server';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function MarketplacePage({ searchParams }: Props) {
  const raw = await searchParams;
  const params = parseMarketplaceParams(raw);
  const q = Array.isArray(raw.q) ? raw.q[0] : raw.q;
  await Promise.all([
    trpc.marketplace.search.prefetchInfinite(searchInputOf(params)),
    trpc.marketplace.categories.prefetch(),
  ]);
  return (
    <HydrateClient>
      <h1>Agent marketplace</h1>
      <Marketplace initial={params} shortenedFrom={q && q.length > MAX_QUERY_LENGTH ? q.length : undefined} />
    </HydrateClient>
  );
}
