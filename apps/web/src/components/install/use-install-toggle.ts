'use client';

import { api } from '~/trpc/react';
import type { Action, Target } from './optimistic';
import { type OptimisticContext, useOptimisticInstalls } from './use-optimistic-installs';

/**
 * Optimistic install/uninstall of one agent. Mutations for the same agent share a scope, so a
 * burst of clicks runs one request at a time in click order; the queries they change are
 * refetched once the last one settled (the tag sync waits for it), so an early refetch never
 * overwrites the optimistic state of a later click. An uninstall offers Undo (a reinstall,
 * queued behind it in the same scope).
 */
export function useInstallToggle(target: Target & { agentName: string }) {
  const optimistic = useOptimisticInstalls();
  const scopeId = `install-${target.agentId}`;
  const { agentId, workspaceId } = target;

  const options = (action: Action) => ({
    scope: { id: scopeId },
    // Offline, a paused mutation would look done and stay pending forever: fail now, roll back.
    networkMode: 'always' as const,
    onMutate: () => optimistic.begin(action, [{ agentId, workspaceId }]),
    onError: (error: { message: string }, _vars: Target, context: OptimisticContext | undefined) =>
      optimistic.rollback(context, `${action} ${target.agentName}`, error),
  });

  const install = api.installs.install.useMutation(options('install'));
  const uninstall = api.installs.uninstall.useMutation(options('uninstall'));
  return {
    install: () => install.mutate({ agentId, workspaceId }),
    uninstall: () => {
      uninstall.mutate({ agentId, workspaceId });
      optimistic.notify(`Uninstalled ${target.agentName}.`, {
        tone: 'info',
        action: { label: 'Undo', run: () => install.mutate({ agentId, workspaceId }) },
      });
    },
    pending: install.isPending || uninstall.isPending,
  };
}
