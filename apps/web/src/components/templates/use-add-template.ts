'use client';

import { useQueryClient } from '@tanstack/react-query';
import {
  applyOptimistic,
  failureMessage,
  prepareOptimistic,
  refreshAfterInstall,
  restore,
  type Snapshot,
} from '~/components/install/cache-patches';
import { useNotice } from '~/components/layout/notice';
import { api } from '~/trpc/react';

/**
 * "Use this template in a workspace", optimistic like a single install: every agent the template
 * needs shows as installed at once; on failure the caches roll back and a banner says why.
 */
export function useAddTemplate(target: { templateId: number; templateName: string; agentIds: number[] }) {
  const qc = useQueryClient();
  const utils = api.useUtils();
  const { notify } = useNotice();
  const mutation = api.templates.addToWorkspace.useMutation({
    // Offline, a paused mutation would look done and stay pending forever: fail now, roll back.
    networkMode: 'always',
    onMutate: async ({ workspaceId }): Promise<{ snapshot: Snapshot }> => {
      const snapshot = await prepareOptimistic(qc);
      const me = utils.auth.me.getData() ?? null;
      for (const agentId of target.agentIds) applyOptimistic(qc, 'install', { agentId, workspaceId }, me);
      return { snapshot };
    },
    onError: (error, _vars, context) => {
      restore(qc, context?.snapshot);
      notify(failureMessage(`add ${target.templateName} to the workspace`, error));
    },
    onSettled: () => refreshAfterInstall(utils),
  });
  return {
    add: (workspaceId: number) => mutation.mutate({ templateId: target.templateId, workspaceId }),
    pending: mutation.isPending,
  };
}
