/**
 * Runs each read query once, for nothing (ids that match no row), before the instance reports
 * ready. The first run of a query shape in a fresh process pays for Prisma's query compilation
 * and V8's first compile of the code around it: on a busy 2-core machine the first request per
 * procedure of a just-started instance took up to 2.5 s in the fault suite. Users should not pay it.
 */
import type { PrismaClient } from '@stash/db';
import { categoryCounts, findAgent, searchAgents } from './queries/agents';
import { installCountOf, workspaceInstallRows } from './queries/live';
import { sessionVersionOf } from './queries/sessions';
import { membershipsOf, workspacesOf, workspaceWithMembers } from './queries/workspaces';

const NO_ROW = 0;
/** Readiness must not wait on a slow database forever: the warm-up is only an optimisation. */
const WARM_UP_LIMIT_MS = 10_000;

export async function warmUp(prisma: PrismaClient): Promise<void> {
  const queries = Promise.allSettled([
    searchAgents(prisma, { query: '', sortBy: 'trending', limit: 20 }),
    findAgent(prisma, { id: NO_ROW }),
    categoryCounts(prisma),
    installCountOf(prisma, NO_ROW),
    workspaceInstallRows(prisma, NO_ROW),
    workspacesOf(prisma, NO_ROW),
    workspaceWithMembers(prisma, NO_ROW),
    membershipsOf(prisma, NO_ROW),
    sessionVersionOf(prisma, NO_ROW),
  ]);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([queries, new Promise((resolve) => (timer = setTimeout(resolve, WARM_UP_LIMIT_MS)))]);
  clearTimeout(timer);
}
