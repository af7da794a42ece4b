'use client';

import Link from 'next/link';
import { ListSkeleton } from '~/components/ui/skeleton';
import { api } from '~/trpc/react';

export function WorkspaceList() {
  const workspaces = api.workspaces.mine.useQuery();
  if (workspaces.isPending) return <ListSkeleton rows={3} />;
  if (workspaces.isError) return <p className="error">{workspaces.error.message}</p>;
  if (workspaces.data.length === 0) return <p className="muted">You are not a member of any workspace.</p>;
  return (
    <ul className="list">
      {workspaces.data.map((w) => (
        <li key={w.id} className="list-row">
          <div>
            <Link href={`/workspaces/${w.id}`} className="row-title">
              {w.name}
            </Link>
            <p className="muted small">{w.role.toLowerCase()}</p>
          </div>
          <span className="muted small nowrap">
            {w.installCount} agents · {w.memberCount} members
          </span>
        </li>
      ))}
    </ul>
  );
}
