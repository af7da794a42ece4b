import { CardGridSkeleton, Loading } from '~/components/ui/skeleton';

export default function MarketplaceLoading() {
  return (
    <Loading label="Loading the marketplace…">
      <h1>Agent marketplace</h1>
      <CardGridSkeleton />
    </Loading>
  );
}
