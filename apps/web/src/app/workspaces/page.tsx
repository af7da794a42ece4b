import { WorkspaceList } from '~/components/workspaces/workspace-list';
import { requireSession } from '~/lib/require-session';
import { HydrateClient, trpc } from '~/trpc/server';

export const metadata = { title: 'Workspaces' };

export default async function WorkspacesPage() {
  await requireSession('/workspaces');
  await trpc.workspaces.mine.prefetch();
  return (
    <HydrateClient>
      <h1>My workspaces</h1>
      <WorkspaceList />
    </HydrateClient>
  );
}
