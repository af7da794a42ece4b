/**
 * Every public cached procedure (the reads a stored response answers) has its own static route
 * under app/api/trpc/, with the generated source, and no static route names anything else: a
 * route for a procedure that does not exist, or is user-scoped, would be a fast path for nothing
 * (app/api/trpc/README.md). The fix is one command, named in the failure.
 */
import { describe, expect, it } from 'vitest';
import {
  publicCachedPaths,
  STATIC_ROUTE_SOURCE,
  staticRoutesOnDisk,
  TRPC_ROUTES_COMMAND,
} from '../scripts/trpc-routes';

describe('/api/trpc routes', () => {
  it('has the generated static route for each public cached procedure, and only for those', () => {
    const publicPaths = publicCachedPaths();
    const onDisk = staticRoutesOnDisk();
    expect(publicPaths.length).toBeGreaterThan(0);
    expect([...onDisk.keys()].sort(), `run \`${TRPC_ROUTES_COMMAND}\``).toEqual(publicPaths);
    for (const [path, source] of onDisk)
      expect(source, `${path}/route.ts: run \`${TRPC_ROUTES_COMMAND}\``).toBe(STATIC_ROUTE_SOURCE);
  });
});
