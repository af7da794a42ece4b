'use client';

import Link from 'next/link';
import { DetailSkeleton } from '~/components/ui/skeleton';
import { api } from '~/trpc/react';
import { InstalledAgentRow } from './installed-agent-row';
import { MembersPanel } from './members-panel';

export function WorkspaceDetail({ workspaceId }: { workspaceId: number }) {
  const workspace = api.workspaces.byId.useQuery({ workspaceId });
  if (workspace.isPending) return <DetailSkeleton />;
  if (workspace.isError) return <p className="error">{workspace.error.message}</p>;
  const w = workspace.data;
  return (
    <article className="detail">
      <p className="breadcrumb">
        <Link href="/workspaces">Workspaces</Link> / {w.name}
      </p>
      <h1>{w.name}</h1>
      <p className="muted small">
        {w.members.map((m) => m.user.name).join(', ')}
        {w.myRole && ` · you are ${w.myRole.toLowerCase()}`}
      </p>
      <h2>Installed agents ({w.installs.length})</h2>
      {w.installs.length === 0 ? (
        <p className="muted">
          Nothing installed yet. Find agents in the <Link href="/">marketplace</Link>.
        </p>
      ) : (
        <ul className="list" data-testid="installed-agents">
          {w.installs.map((install) => (
            <InstalledAgentRow key={install.agent.id} install={install} workspaceId={w.id} />
          ))}
        </ul>
      )}
      <MembersPanel workspace={w} />
    </article>
  );
}
