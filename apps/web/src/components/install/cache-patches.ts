/**
 * Applying the pure patches of optimistic.ts to the query cache: which queries an install
 * touches, snapshotting them for rollback. Shared by the install button and "use this template",
 * which installs several agents at once. Refreshing them once the server has answered is not
 * done here: the mutation's response names the tags it invalidated and @stash/tag-sync refetches
 * exactly the queries that depend on them, once the last mutation in flight has settled.
 */
import type { RouterOutputs } from '@stash/api';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
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

type Out = RouterOutputs;
type AgentDetail = Out['marketplace']['agent'];
export type Snapshot = Array<[QueryKey, unknown]>;

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

/** Cancels in-flight reads (they would overwrite the patch) and snapshots what is cached. */
export async function prepareOptimistic(qc: QueryClient): Promise<Snapshot> {
  const keys = affectedKeys();
  await Promise.all(keys.map((queryKey) => qc.cancelQueries({ queryKey })));
  return keys.flatMap((queryKey) => qc.getQueriesData({ queryKey }));
}

export function restore(qc: QueryClient, snapshot: Snapshot | undefined): void {
  for (const [key, data] of snapshot ?? []) qc.setQueryData(key, data);
}

export function applyOptimistic(qc: QueryClient, action: Action, t: Target, me: Out['auth']['me']): void {
  const known = { agent: findAgent(qc, t.agentId), me };
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

/** The banner text for a failed change, saying why in words a user can act on. */
export function failureMessage(what: string, error: { message: string }): string {
  const offline = typeof navigator !== 'undefined' && !navigator.onLine;
  const reason = offline ? 'you are offline.' : error.message.trim().replace(/[.!?…]?$/, '.');
  return `Could not ${what}: ${reason} The change was rolled back.`;
}
