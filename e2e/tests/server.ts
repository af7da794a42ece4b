/** Starts the production build of apps/web against a given database on a free port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { buildNeeded, nextBin, runNextBuild, webRoot } from '../../apps/web/scripts/next-build';

/** What a Prometheus scraper would send to /api/metrics (STASH_METRICS_TOKEN). */
export const METRICS_TOKEN = randomBytes(24).toString('base64url');

export interface AppServer {
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function ensureBuild(): Promise<void> {
  const reason = buildNeeded();
  if (!reason) return;
  console.log(`[e2e] building apps/web: ${reason}`);
  await runNextBuild({ skipTypecheck: true, quiet: true });
}

async function waitHealthy(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${logs()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy after 60 s:\n${logs()}`);
}

export async function startApp(databaseUrl: string): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  // The memory cache only: a shared Redis would carry entries between runs and databases.
  const { REDIS_URL: _redis, REDIS_CLUSTER_NODES: _cluster, ...env } = process.env;
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: webRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // The operational endpoints are for admins (the walk-through signs in as ada) or the token.
      STASH_ADMIN_EMAILS: 'ada@stash.dev',
      STASH_METRICS_TOKEN: METRICS_TOKEN,
    },
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await waitHealthy(url, child, () => output);
  return {
    url,
    logs: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
