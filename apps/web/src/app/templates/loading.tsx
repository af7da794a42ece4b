import { ListSkeleton, Loading } from '~/components/ui/skeleton';

export default function TemplatesLoading() {
  return (
    <Loading label="Loading templates…">
      <h1>Workflow templates</h1>
      <ListSkeleton />
    </Loading>
  );
}
