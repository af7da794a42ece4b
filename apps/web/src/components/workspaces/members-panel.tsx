'use client';

import type { RouterOutputs } from '@stash/api';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { api } from '~/trpc/react';

type Workspace = RouterOutputs['workspaces']['byId'];

/**
 * Members of a workspace: owners add people by email, change roles and remove members; anyone
 * can leave. Deliberately plain (the workspace page's layout is owned elsewhere).
 */
export function MembersPanel({ workspace }: { workspace: Workspace }) {
  const router = useRouter();
  const me = api.auth.me.useQuery();
  const [email, setEmail] = useState('');
  // What each change invalidated comes back with its response; the queries showing it refetch
  // on their own (@stash/tag-sync), so nothing here lists what to refresh.
  const add = api.members.add.useMutation({ onSuccess: () => setEmail('') });
  const remove = api.members.remove.useMutation();
  const setRole = api.members.setRole.useMutation();
  const leave = api.members.leave.useMutation({ onSuccess: () => router.push('/workspaces') });
  const workspaceId = workspace.id;
  const owner = workspace.myRole === 'OWNER';
  const error = [add, remove, setRole, leave].find((m) => m.isError)?.error?.message;

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ workspaceId, email });
  };

  return (
    <section data-testid="members">
      <h2>Members ({workspace.members.length})</h2>
      <ul className="list">
        {workspace.members.map(({ user, role }) => (
          <li key={user.id}>
            {user.name} · {role.toLowerCase()}
            {owner && user.id !== me.data?.userId && (
              <>
                {' '}
                <button
                  type="button"
                  onClick={() =>
                    setRole.mutate({
                      workspaceId,
                      userId: user.id,
                      role: role === 'OWNER' ? 'MEMBER' : 'OWNER',
                    })
                  }
                >
                  {role === 'OWNER' ? 'Make member' : 'Make owner'}
                </button>{' '}
                <button type="button" onClick={() => remove.mutate({ workspaceId, userId: user.id })}>
                  Remove
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {owner && (
        <form onSubmit={onAdd}>
          <label>
            Add by email{' '}
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>{' '}
          <button type="submit" disabled={add.isPending}>
            Add
          </button>
        </form>
      )}
      <p>
        <button type="button" disabled={leave.isPending} onClick={() => leave.mutate({ workspaceId })}>
          Leave this workspace
        </button>
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
