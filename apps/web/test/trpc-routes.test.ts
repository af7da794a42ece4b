/**
 * Every public cached procedure (the reads a stored response answers) has its own static route
 * under app/api/trpc/, and no static route names anything else: a route for a procedure that
 * does not exist, or is user-scoped, would be a fast path for nothing (app/api/trpc/README.md).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { registeredPolicies } from '@stash/api';
import { describe, expect, it } from 'vitest';

const ROUTES = join(import.meta.dirname, '../src/app/api/trpc');

describe('/api/trpc routes', () => {
  it('has a static route for each public cached procedure, and only for those', () => {
    const staticRoutes = readdirSync(ROUTES, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== '[trpc]')
      .map((entry) => entry.name)
      .sort();
    const publicProcedures = registeredPolicies()
      .filter((policy) => policy.scope === 'public')
      .map((policy) => policy.path)
      .sort();
    expect(publicProcedures.length).toBeGreaterThan(0);
    expect(staticRoutes).toEqual(publicProcedures);
  });
});
