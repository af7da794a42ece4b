'use client';

import type { RouterOutputs } from '@stash/api';
import Link from 'next/link';
import { useInstallToggle } from '~/components/install/use-install-toggle';
import { formatDate, titleCase } from '~/lib/format';

type Install = RouterOutputs['workspaces']['byId']['installs'][number];

export function InstalledAgentRow({ install, workspaceId }: { install: Install; workspaceId: number }) {
  const { agent } = install;
  const toggle = useInstallToggle({ agentId: agent.id, workspaceId, agentName: agent.name });
  return (
    <li className="list-row" data-agent-slug={agent.slug}>
      <div>
        <Link href={`/agents/${agent.slug}`} className="row-title">
          {agent.name}
        </Link>
        <p className="muted small">
          {titleCase(agent.category)} · installed {formatDate(install.createdAt)} by{' '}
          {install.installedBy.name}
        </p>
      </div>
      <button
        type="button"
        className="button small secondary"
        onClick={toggle.uninstall}
        aria-label={`Uninstall ${agent.name}`}
      >
        Uninstall
      </button>
    </li>
  );
}
