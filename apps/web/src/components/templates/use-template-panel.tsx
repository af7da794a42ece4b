'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { useSignInHref } from '~/components/auth/use-sign-in-href';
import { api } from '~/trpc/react';
import { useAddTemplate } from './use-add-template';

interface Props {
  templateId: number;
  templateName: string;
  agentIds: number[];
}

/** Pick a workspace and install every agent the template's steps need into it. */
export function UseTemplatePanel({ templateId, templateName, agentIds }: Props) {
  const me = api.auth.me.useQuery();
  const signInHref = useSignInHref();
  const workspaces = api.workspaces.mine.useQuery(undefined, { enabled: Boolean(me.data) });
  const [picked, setPicked] = useState<number | null>(null);
  const workspaceId = picked ?? workspaces.data?.[0]?.id;
  const state = api.workspaces.installState.useQuery(
    { workspaceId: workspaceId ?? 0, agentIds },
    { enabled: workspaceId !== undefined && agentIds.length > 0 },
  );
  const { add, pending } = useAddTemplate({ templateId, templateName, agentIds });

  let body: ReactNode;
  if (agentIds.length === 0) body = <p>Its steps need no marketplace agents: nothing to install.</p>;
  else if (!me.data) {
    body = (
      <p>
        <Link href={signInHref}>Sign in</Link> to add its {agentIds.length} agents to one of your workspaces.
      </p>
    );
  } else if (workspaces.data && workspaceId === undefined) body = <p>You have no workspaces yet.</p>;
  else if (workspaceId === undefined || !workspaces.data) body = <p className="muted">Loading workspaces…</p>;
  else {
    const installed = agentIds.filter((id) => state.data?.installed.includes(id)).length;
    const missing = agentIds.length - installed;
    const name = workspaces.data.find((w) => w.id === workspaceId)?.name ?? 'the workspace';
    body = (
      <div className="install-panel">
        <label>
          Workspace{' '}
          <select value={workspaceId} onChange={(e) => setPicked(Number(e.target.value))}>
            {workspaces.data.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        {state.isPending ? (
          <button type="button" className="button" disabled>
            Checking…
          </button>
        ) : missing === 0 ? (
          <span className="ok" data-testid="template-ready">
            ✓ All {agentIds.length} agents are in {name}
          </span>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="use-template"
            disabled={pending}
            onClick={() => add(workspaceId)}
          >
            Add {missing} {missing === 1 ? 'agent' : 'agents'} to {name}
          </button>
        )}
        <Link href={`/workspaces/${workspaceId}`}>Open workspace</Link>
      </div>
    );
  }
  return (
    <section className="panel" aria-labelledby="use-template-heading">
      <h2 id="use-template-heading" className="panel-title">
        Use this template
      </h2>
      {body}
    </section>
  );
}
