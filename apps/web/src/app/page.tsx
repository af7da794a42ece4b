import { CATEGORIES } from '@stash/db';
import { Marketplace } from '~/components/marketplace/marketplace';
import { parseMarketplaceParams, searchInputOf } from '~/lib/marketplace-params';
import { HydrateClient, trpc } from '~/trpc/server';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function MarketplacePage({ searchParams }: Props) {
  const params = parseMarketplaceParams(await searchParams, CATEGORIES);
  await Promise.all([
    trpc.marketplace.search.prefetchInfinite(searchInputOf(params)),
    trpc.marketplace.categories.prefetch(),
  ]);
  return (
    <HydrateClient>
      <h1>Agent marketplace</h1>
      <Marketplace initial={params} categories={CATEGORIES} />
    </HydrateClient>
  );
}
