import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { WorkspaceDetail } from '~/components/workspaces/workspace-detail';
import { requireSession } from '~/lib/require-session';
import { api, HydrateClient, prefetchErrorCode, prefetchedData, trpc } from '~/trpc/server';

type Props = { params: Promise<{ id: string }> };

/** Shared by the metadata and the page (React cache: one prefetch per request). */
const loadWorkspace = cache(async (raw: string) => {
  await requireSession(`/workspaces/${raw}`);
  const workspaceId = Number(raw);
  if (!Number.isSafeInteger(workspaceId) || workspaceId < 1) notFound();
  const input = { workspaceId };
  await trpc.workspaces.byId.prefetch(input);
  // The API answers NOT_FOUND to non-members too: no probing for workspace ids.
  if (prefetchErrorCode(api.workspaces.byId, input) === 'NOT_FOUND') notFound();
  return { workspaceId, workspace: prefetchedData(api.workspaces.byId, input) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { workspace } = await loadWorkspace((await params).id);
  return { title: workspace?.name ?? 'Workspace' };
}

export default async function WorkspacePage({ params }: Props) {
  const { workspaceId } = await loadWorkspace((await params).id);
  return (
    <HydrateClient>
      <WorkspaceDetail workspaceId={workspaceId} />
    </HydrateClient>
  );
}
