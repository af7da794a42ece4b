/**
 * What the load knows about the seeded database before it starts: users and memberships (who
 * may read and write which workspace), the agents writes go to, the distinct searches, and the
 * install state the oracle starts from.
 */
import { CATEGORIES, type PrismaClient } from '@stash/db';

export const SORTS = ['trending', 'newest', 'rating', 'installs'] as const;

export interface SearchInput {
  query?: string;
  category?: string;
  sortBy: (typeof SORTS)[number];
}

export interface World {
  users: { id: number; email: string }[];
  /** workspace id -> member user ids */
  members: Map<number, number[]>;
  /** user id -> workspace ids */
  workspacesOf: Map<number, number[]>;
  workspaceIds: number[];
  /** Published agents that detail reads and installs go to, most popular first. */
  agents: number[];
  searches: SearchInput[];
  /** Starting state: install count per agent and `${workspace}:${agent}` pairs installed. */
  initialCounts: Map<number, number>;
  initialInstalls: Set<string>;
  /** Installs per workspace of agents outside `agents` (never written, so constant). */
  otherInstalls: Map<number, number>;
}

export const pairKey = (workspaceId: number, agentId: number) => `${workspaceId}:${agentId}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Up to `count` distinct searches: words from agent names x category x sort, in a fixed order. */
function searchesFrom(names: string[], count: number): SearchInput[] {
  const words = [...new Set(names.flatMap((n) => n.toLowerCase().split(/[^a-z]+/)))].filter(
    (w) => w.length >= 4,
  );
  const queries: (string | undefined)[] = [undefined, ...words];
  const categories: (string | undefined)[] = [undefined, ...CATEGORIES];
  const out: SearchInput[] = [];
  for (let i = 0; out.length < count && i < queries.length * categories.length * SORTS.length; i++) {
    const sortBy = SORTS[i % SORTS.length] ?? 'trending';
    const category = categories[Math.floor(i / SORTS.length) % categories.length];
    const query = queries[Math.floor(i / (SORTS.length * categories.length))];
    out.push({ ...(query ? { query } : {}), ...(category ? { category } : {}), sortBy });
  }
  return out;
}

export async function loadWorld(
  prisma: PrismaClient,
  opts: { agents: number; searches: number },
): Promise<World> {
  const [users, memberships, agents, installs] = await Promise.all([
    prisma.user.findMany({ select: { id: true, email: true }, orderBy: { id: 'asc' } }),
    prisma.workspaceMember.findMany({ select: { workspaceId: true, userId: true } }),
    prisma.agent.findMany({
      where: { published: true },
      select: { id: true, name: true, installCount: true },
      orderBy: { id: 'asc' },
    }),
    prisma.agentInstall.findMany({ select: { workspaceId: true, agentId: true } }),
  ]);
  const members = new Map<number, number[]>();
  const workspacesOf = new Map<number, number[]>();
  for (const m of memberships) {
    push(members, m.workspaceId, m.userId);
    push(workspacesOf, m.userId, m.workspaceId);
  }
  const pool = agents.slice(0, opts.agents);
  const poolIds = new Set(pool.map((a) => a.id));
  const otherInstalls = new Map<number, number>();
  for (const i of installs) {
    if (!poolIds.has(i.agentId))
      otherInstalls.set(i.workspaceId, (otherInstalls.get(i.workspaceId) ?? 0) + 1);
  }
  return {
    users: users.filter((u) => workspacesOf.has(u.id)),
    members,
    workspacesOf,
    workspaceIds: [...members.keys()].sort((a, b) => a - b),
    agents: pool.map((a) => a.id),
    searches: searchesFrom(
      agents.map((a) => a.name),
      opts.searches,
    ),
    initialCounts: new Map(pool.map((a) => [a.id, a.installCount])),
    initialInstalls: new Set(installs.map((i) => pairKey(i.workspaceId, i.agentId))),
    otherInstalls,
  };
}
