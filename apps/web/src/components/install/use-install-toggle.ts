'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useNotice } from '~/components/layout/notice';
import { api } from '~/trpc/react';
import {
  applyOptimistic,
  failureMessage,
  prepareOptimistic,
  refreshAfterInstall,
  restore,
  type Snapshot,
} from './cache-patches';
import type { Action, Target } from './optimistic';

/**
 * Optimistic install/uninstall of one agent. Mutations for the same agent share a scope, so a
 * burst of clicks runs one request at a time in click order; only the last one to settle
 * refetches, so an early refetch never overwrites the optimistic state of a later click.
 * An uninstall offers Undo (a reinstall, queued behind it in the same scope).
 */
export function useInstallToggle(target: Target & { agentName: string }) {
  const qc = useQueryClient();
  const utils = api.useUtils();
  const { notify } = useNotice();
  const scopeId = `install-${target.agentId}`;
  const { agentId, workspaceId } = target;

  const options = (action: Action) => ({
    scope: { id: scopeId },
    // Offline, a paused mutation would look done and stay pending forever: fail now, roll back.
    networkMode: 'always' as const,
    onMutate: async (): Promise<{ snapshot: Snapshot }> => {
      const snapshot = await prepareOptimistic(qc);
      applyOptimistic(qc, action, { agentId, workspaceId }, utils.auth.me.getData() ?? null);
      return { snapshot };
    },
    onError: (error: { message: string }, _vars: Target, context: { snapshot: Snapshot } | undefined) => {
      restore(qc, context?.snapshot);
      notify(failureMessage(`${action} ${target.agentName}`, error));
    },
    onSettled: async () => {
      const pending = qc.isMutating({ predicate: (m) => m.options.scope?.id === scopeId });
      if (pending > 1) return;
      await refreshAfterInstall(utils);
    },
  });

  const install = api.installs.install.useMutation(options('install'));
  const uninstall = api.installs.uninstall.useMutation(options('uninstall'));
  return {
    install: () => install.mutate({ agentId, workspaceId }),
    uninstall: () => {
      uninstall.mutate({ agentId, workspaceId });
      notify(`Uninstalled ${target.agentName}.`, {
        tone: 'info',
        action: { label: 'Undo', run: () => install.mutate({ agentId, workspaceId }) },
      });
    },
    pending: install.isPending || uninstall.isPending,
  };
}
