import { DetailSkeleton, Loading } from '~/components/ui/skeleton';

export default function WorkspaceLoading() {
  return (
    <Loading label="Loading the workspace…">
      <DetailSkeleton />
    </Loading>
  );
}
