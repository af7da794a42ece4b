'use client';

import type { RouterOutputs } from '@stash/api';
import { type InfiniteData, type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useNotice } from '~/components/layout/notice';
import { api } from '~/trpc/react';
import {
  type Action,
  patchAgent,
  patchInstallState,
  patchMyWorkspaces,
  patchSearch,
  patchWorkspace,
  type Target,
} from './optimistic';

type AgentDetail = RouterOutputs['marketplace']['agent'];
type Snapshot = Array<[QueryKey, unknown]>;

/** Every cache an install changes: cancelled, snapshotted and patched before the request goes out. */
function affectedKeys(): QueryKey[] {
  return [
    getQueryKey(api.workspaces.installState),
    getQueryKey(api.workspaces.byId),
    getQueryKey(api.workspaces.mine),
    getQueryKey(api.marketplace.agent),
    getQueryKey(api.marketplace.search),
  ];
}

function findAgent(qc: QueryClient, agentId: number): AgentDetail | undefined {
  return qc
    .getQueriesData<AgentDetail>({ queryKey: getQueryKey(api.marketplace.agent) })
    .map(([, data]) => data)
    .find((a) => a?.id === agentId);
}

function applyOptimistic(qc: QueryClient, action: Action, t: Target, me: RouterOutputs['auth']['me']): void {
  const known = { agent: findAgent(qc, t.agentId), me };
  type Out = RouterOutputs;
  const patch = <T>(key: QueryKey, fn: (data: T) => T) =>
    qc.setQueriesData<T>({ queryKey: key }, (data) => (data === undefined ? data : fn(data)));
  patch<Out['workspaces']['installState']>(getQueryKey(api.workspaces.installState), (d) =>
    patchInstallState(d, action, t),
  );
  patch<Out['marketplace']['agent']>(getQueryKey(api.marketplace.agent), (d) => patchAgent(d, action, t));
  patch<InfiniteData<Out['marketplace']['search']>>(
    getQueryKey(api.marketplace.search, undefined, 'infinite'),
    (d) => patchSearch(d, action, t),
  );
  patch<Out['workspaces']['byId']>(getQueryKey(api.workspaces.byId), (d) =>
    patchWorkspace(d, action, t, known),
  );
  patch<Out['workspaces']['mine']>(getQueryKey(api.workspaces.mine), (d) => patchMyWorkspaces(d, action, t));
}

/**
 * Optimistic install/uninstall of one agent. Mutations for the same agent share a scope, so a
 * burst of clicks runs one request at a time in click order; only the last one to settle
 * refetches, so an early refetch never overwrites the optimistic state of a later click.
 */
export function useInstallToggle(target: Target) {
  const qc = useQueryClient();
  const utils = api.useUtils();
  const { notify } = useNotice();
  const scopeId = `install-${target.agentId}`;

  const options = (action: Action) => ({
    scope: { id: scopeId },
    onMutate: async (): Promise<{ snapshot: Snapshot }> => {
      const keys = affectedKeys();
      await Promise.all(keys.map((queryKey) => qc.cancelQueries({ queryKey })));
      const snapshot = keys.flatMap((queryKey) => qc.getQueriesData({ queryKey }));
      applyOptimistic(qc, action, target, utils.auth.me.getData() ?? null);
      return { snapshot };
    },
    onError: (error: { message: string }, _vars: Target, context: { snapshot: Snapshot } | undefined) => {
      for (const [key, data] of context?.snapshot ?? []) qc.setQueryData(key, data);
      notify(`Could not ${action} the agent: ${error.message} The change was rolled back.`);
    },
    onSettled: async () => {
      const pending = qc.isMutating({ predicate: (m) => m.options.scope?.id === scopeId });
      if (pending > 1) return;
      await Promise.all([
        utils.workspaces.installState.invalidate(),
        utils.workspaces.byId.invalidate(),
        utils.workspaces.mine.invalidate(),
        utils.marketplace.agent.invalidate(),
        // Lists are soft-invalidated by the API; refetch them when next shown, not now.
        utils.marketplace.search.invalidate(undefined, { refetchType: 'none' }),
      ]);
    },
  });

  const install = api.installs.install.useMutation(options('install'));
  const uninstall = api.installs.uninstall.useMutation(options('uninstall'));
  return {
    install: () => install.mutate(target),
    uninstall: () => uninstall.mutate(target),
    pending: install.isPending || uninstall.isPending,
  };
}
