/** Starts the production build of apps/web against a given database on a free port. */
import { randomBytes } from 'node:crypto';
import { ensureWebBuild, startWebApp, type WebApp } from '@stash/harness';

/** What a Prometheus scraper would send to /api/metrics (STASH_METRICS_TOKEN). */
export const METRICS_TOKEN = randomBytes(24).toString('base64url');

export type AppServer = Pick<WebApp, 'url' | 'logs' | 'stop'>;

export function ensureBuild(): Promise<void> {
  return ensureWebBuild((line) => console.log(`[e2e] ${line}`));
}

export function startApp(databaseUrl: string): Promise<AppServer> {
  return startWebApp({
    databaseUrl,
    label: 'e2e',
    // The memory cache only: a shared Redis would carry entries between runs and databases.
    unset: ['REDIS_URL', 'REDIS_CLUSTER_NODES'],
    env: {
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // The operational endpoints are for admins (the walk-through signs in as ada) or the token.
      STASH_ADMIN_EMAILS: 'ada@stash.dev',
      STASH_METRICS_TOKEN: METRICS_TOKEN,
    },
    stdout: true,
  });
}
