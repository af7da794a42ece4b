'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useSignInHref } from '~/components/auth/use-sign-in-href';
import { InstallButton } from '~/components/install/install-button';
import { api } from '~/trpc/react';

/** Signed in: pick one of my workspaces and install into it. Signed out: a way to sign in. */
export function InstallPanel({ agentId, agentName }: { agentId: number; agentName: string }) {
  const me = api.auth.me.useQuery();
  const workspaces = api.workspaces.mine.useQuery(undefined, { enabled: Boolean(me.data) });
  const [picked, setPicked] = useState<number | null>(null);
  const signInHref = useSignInHref();

  if (!me.data) {
    return (
      <section className="panel">
        <Link href={signInHref}>Sign in</Link> to install this agent into a workspace.
      </section>
    );
  }
  if (workspaces.isPending) return <section className="panel muted">Loading workspaces…</section>;
  if (workspaces.isError) return <section className="panel error">{workspaces.error.message}</section>;
  const list = workspaces.data;
  const workspaceId = picked ?? list[0]?.id;
  if (workspaceId === undefined)
    return <section className="panel muted">You have no workspaces yet.</section>;

  return (
    <section className="panel install-panel">
      <label>
        Workspace{' '}
        <select
          value={workspaceId}
          onChange={(e) => setPicked(Number(e.target.value))}
          aria-label="Workspace"
        >
          {list.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </label>
      <InstallButton agentId={agentId} agentName={agentName} workspaceId={workspaceId} />
      <Link href={`/workspaces/${workspaceId}`}>Open workspace</Link>
    </section>
  );
}
