/** Starts the production build of apps/web against a given database on a free port. */
import { randomBytes } from 'node:crypto';
import { ensureWebBuild, startWebApp, type WebApp } from '@stash/harness';

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
    env: { SESSION_SECRET: randomBytes(32).toString('base64url') },
    stdout: true,
  });
}
