import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { AgentDetail } from '~/components/agent/agent-detail';
import { Readme } from '~/components/agent/readme';
import { api, HydrateClient, prefetchErrorCode, prefetchedData, trpc } from '~/trpc/server';

type Props = { params: Promise<{ slug: string }> };

/** Shared by the metadata and the page (React cache: one prefetch per request). */
const loadAgent = cache(async (slug: string) => {
  const input = { slug };
  await trpc.marketplace.agent.prefetch(input);
  const error = prefetchErrorCode(api.marketplace.agent, input);
  if (error === 'NOT_FOUND' || error === 'BAD_REQUEST') notFound();
  return prefetchedData(api.marketplace.agent, input);
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const agent = await loadAgent((await params).slug);
  if (!agent) return { title: 'Agent' };
  return { title: agent.name, description: agent.description };
}

export default async function AgentPage({ params }: Props) {
  const { slug } = await params;
  const [me, agent] = await Promise.all([trpc.auth.me(), loadAgent(slug)]);

  // Signed in: prefetch the workspace picker and the install state of the default workspace too,
  // so the install button renders its real state without a loading flash.
  if (me && agent) {
    await trpc.workspaces.mine.prefetch();
    const first = prefetchedData(api.workspaces.mine, undefined)?.[0];
    if (first) await trpc.workspaces.installState.prefetch({ workspaceId: first.id, agentIds: [agent.id] });
  }
  return (
    <HydrateClient>
      <AgentDetail
        slug={slug}
        readme={agent?.longDescription ? <Readme markdown={agent.longDescription} /> : null}
      />
    </HydrateClient>
  );
}
