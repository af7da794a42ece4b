'use client';

import Link from 'next/link';
import { api } from '~/trpc/react';

/**
 * "Installed in" on an agent's page: which of my workspaces have it. A plain query: when an
 * install anywhere (this tab or another) changes the answer, the response's tags make it refetch.
 */
export function InstalledIn({ agentId }: { agentId: number }) {
  const me = api.auth.me.useQuery();
  const installedIn = api.workspaces.installedIn.useQuery({ agentId }, { enabled: Boolean(me.data) });
  if (!me.data || !installedIn.data) return null;
  const list = installedIn.data;
  return (
    <p className="muted small" data-testid="installed-in">
      {list.length === 0 ? (
        'Not installed in any of your workspaces.'
      ) : (
        <>
          Installed in{' '}
          {list.map((w, i) => (
            <span key={w.id}>
              {i > 0 && ', '}
              <Link href={`/workspaces/${w.id}`}>{w.name}</Link>
            </span>
          ))}
          .
        </>
      )}
    </p>
  );
}
