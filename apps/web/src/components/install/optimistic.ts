/**
 * The optimistic half of install/uninstall: given the caches the UI reads, what they would hold
 * once the mutation succeeds. Pure functions of typed data, so they are easy to reason about;
 * the hook in use-install-toggle.ts applies them to the query cache.
 */
import type { RouterOutputs } from '@stash/api';
import type { InfiniteData } from '@tanstack/react-query';

export type Action = 'install' | 'uninstall';
export interface Target {
  agentId: number;
  workspaceId: number;
}

type InstallState = RouterOutputs['workspaces']['installState'];
type AgentDetail = RouterOutputs['marketplace']['agent'];
type SearchPage = RouterOutputs['marketplace']['search'];
type Workspace = RouterOutputs['workspaces']['byId'];
type MyWorkspaces = RouterOutputs['workspaces']['mine'];
type Me = RouterOutputs['auth']['me'];

const delta = (action: Action) => (action === 'install' ? 1 : -1);

export function patchInstallState(data: InstallState, action: Action, t: Target): InstallState {
  if (data.workspaceId !== t.workspaceId) return data;
  const others = data.installed.filter((id) => id !== t.agentId);
  const installed = action === 'install' ? [...others, t.agentId].sort((a, b) => a - b) : others;
  return { ...data, installed };
}

export function patchAgent(data: AgentDetail, action: Action, t: Target): AgentDetail {
  if (data.id !== t.agentId) return data;
  return { ...data, installCount: Math.max(0, data.installCount + delta(action)) };
}

export function patchSearch(
  data: InfiniteData<SearchPage>,
  action: Action,
  t: Target,
): InfiniteData<SearchPage> {
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.map((a) =>
        a.id === t.agentId ? { ...a, installCount: Math.max(0, a.installCount + delta(action)) } : a,
      ),
    })),
  };
}

/** Uninstall drops the row; install adds one when the agent's card and the user are known. */
export function patchWorkspace(
  data: Workspace,
  action: Action,
  t: Target,
  known: { agent: AgentDetail | undefined; me: Me | undefined },
): Workspace {
  if (data.id !== t.workspaceId) return data;
  const others = data.installs.filter((i) => i.agent.id !== t.agentId);
  if (action === 'uninstall') return { ...data, installs: others };
  const { agent, me } = known;
  if (!agent || !me || others.length !== data.installs.length) return data;
  const row = { createdAt: new Date(), installedBy: { id: me.userId, name: me.name }, agent };
  return { ...data, installs: [row, ...others] };
}

export function patchMyWorkspaces(data: MyWorkspaces, action: Action, t: Target): MyWorkspaces {
  return data.map((w) =>
    w.id === t.workspaceId ? { ...w, installCount: Math.max(0, w.installCount + delta(action)) } : w,
  );
}
