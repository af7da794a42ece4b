import { notFound } from 'next/navigation';
import { WorkspaceDetail } from '~/components/workspaces/workspace-detail';
import { requireSession } from '~/lib/require-session';
import { HydrateClient, prefetchErrorCode, trpc } from '~/trpc/server';

export default async function WorkspacePage({ params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  await requireSession(`/workspaces/${raw}`);
  const workspaceId = Number(raw);
  if (!Number.isSafeInteger(workspaceId) || workspaceId < 1) notFound();
  const input = { workspaceId };
  await trpc.workspaces.byId.prefetch(input);
  // Not a member looks the same as not existing: no probing for workspace ids.
  const error = prefetchErrorCode('workspaces.byId', input);
  if (error === 'NOT_FOUND' || error === 'FORBIDDEN') notFound();
  return (
    <HydrateClient>
      <WorkspaceDetail workspaceId={workspaceId} />
    </HydrateClient>
  );
}
