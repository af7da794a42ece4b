'use client';

import { api } from '~/trpc/react';
import { useInstallToggle } from './use-install-toggle';

/** Shows the (optimistic) install state of one agent in one workspace and flips it on click. */
interface Props {
  agentId: number;
  agentName: string;
  workspaceId: number;
}

export function InstallButton({ agentId, agentName, workspaceId }: Props) {
  const state = api.workspaces.installState.useQuery({ workspaceId, agentIds: [agentId] });
  const toggle = useInstallToggle({ agentId, agentName, workspaceId });

  if (state.isPending) {
    return (
      <button type="button" className="button" disabled>
        Checking…
      </button>
    );
  }
  if (state.isError) return <span className="error">{state.error.message}</span>;
  const installed = state.data.installed.includes(agentId);
  return (
    <button
      type="button"
      className={installed ? 'button secondary' : 'button'}
      data-testid="install-button"
      data-installed={installed}
      data-pending={toggle.pending}
      onClick={installed ? toggle.uninstall : toggle.install}
    >
      {installed ? 'Installed · Uninstall' : 'Install'}
    </button>
  );
}
