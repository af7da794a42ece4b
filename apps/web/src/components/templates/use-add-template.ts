'use client';

import { useOptimisticInstalls } from '~/components/install/use-optimistic-installs';
import { api } from '~/trpc/react';

/**
 * "Use this template in a workspace", optimistic like a single install: every agent the template
 * needs shows as installed at once; on failure the caches roll back and a banner says why.
 */
export function useAddTemplate(target: { templateId: number; templateName: string; agentIds: number[] }) {
  const optimistic = useOptimisticInstalls();
  const mutation = api.templates.addToWorkspace.useMutation({
    // Offline, a paused mutation would look done and stay pending forever: fail now, roll back.
    networkMode: 'always',
    onMutate: ({ workspaceId }) =>
      optimistic.begin(
        'install',
        target.agentIds.map((agentId) => ({ agentId, workspaceId })),
      ),
    onError: (error, _vars, context) =>
      optimistic.rollback(context, `add ${target.templateName} to the workspace`, error),
  });
  return {
    add: (workspaceId: number) => mutation.mutate({ templateId: target.templateId, workspaceId }),
    pending: mutation.isPending,
  };
}
