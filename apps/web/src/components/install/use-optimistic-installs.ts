'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useNotice } from '~/components/layout/notice';
import { api } from '~/trpc/react';
import { applyOptimistic, failureMessage, prepareOptimistic, restore, type Snapshot } from './cache-patches';
import type { Action, Target } from './optimistic';

export interface OptimisticContext {
  snapshot: Snapshot;
}

/**
 * The two moments of an optimistic install, for any mutation that installs agents (one agent,
 * or every agent of a template): patch before the request, roll back with a message on failure.
 * Settling needs nothing here: the response names what the write invalidated, and the tag sync
 * (~/trpc/react.tsx) refetches the queries that depend on it once no mutation is in flight, so
 * an early answer never overwrites the optimistic state of a later click.
 */
export function useOptimisticInstalls() {
  const qc = useQueryClient();
  const utils = api.useUtils();
  const { notify } = useNotice();
  return {
    notify,
    /** For onMutate: cancel in-flight reads, snapshot them, show the change at once. */
    async begin(action: Action, targets: Target[]): Promise<OptimisticContext> {
      const snapshot = await prepareOptimistic(qc);
      const me = utils.auth.me.getData() ?? null;
      for (const target of targets) applyOptimistic(qc, action, target, me);
      return { snapshot };
    },
    /** For onError: put the snapshot back and say what failed and why. */
    rollback(context: OptimisticContext | undefined, what: string, error: { message: string }): void {
      restore(qc, context?.snapshot);
      notify(failureMessage(what, error));
    },
  };
}
