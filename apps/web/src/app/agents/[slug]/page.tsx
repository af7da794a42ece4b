import type { RouterOutputs } from '@stash/api';
import { notFound } from 'next/navigation';
import { AgentDetail } from '~/components/agent/agent-detail';
import { HydrateClient, prefetchErrorCode, prefetchedData, trpc } from '~/trpc/server';

type Agent = RouterOutputs['marketplace']['agent'];
type Workspaces = RouterOutputs['workspaces']['mine'];

export default async function AgentPage({ params }: { params: Promise<{ slug: string }> }) {
  const input = { slug: (await params).slug };
  const [me] = await Promise.all([trpc.auth.me(), trpc.marketplace.agent.prefetch(input)]);
  const error = prefetchErrorCode('marketplace.agent', input);
  if (error === 'NOT_FOUND' || error === 'BAD_REQUEST') notFound();

  // Signed in: prefetch the workspace picker and the install state of the default workspace too,
  // so the install button renders its real state without a loading flash.
  const agent = prefetchedData<Agent>('marketplace.agent', input);
  if (me && agent) {
    await trpc.workspaces.mine.prefetch();
    const first = prefetchedData<Workspaces>('workspaces.mine', undefined)?.[0];
    if (first) await trpc.workspaces.installState.prefetch({ workspaceId: first.id, agentIds: [agent.id] });
  }
  return (
    <HydrateClient>
      <AgentDetail slug={input.slug} />
    </HydrateClient>
  );
}
