import { ListSkeleton, Loading } from '~/components/ui/skeleton';

export default function WorkspacesLoading() {
  return (
    <Loading label="Loading workspaces…">
      <h1>My workspaces</h1>
      <ListSkeleton rows={3} />
    </Loading>
  );
}
